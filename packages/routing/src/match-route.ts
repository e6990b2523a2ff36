import { cookieValue } from "./cookie-value.ts";
import type {
  CompiledCondition,
  CompiledConfig,
  CompiledMatchBlock,
  CompiledRoute,
  CompiledStringMatch,
  HostMatcher,
  MatchRequest,
  RouteEntry,
  RouteMatch,
} from "./compiled-types.ts";
import { collectCandidates, nextCandidate, PATH_CHECK, PATH_LENGTH } from "./route-index.ts";

/**
 * Lower-cases a Host header value and drops its port and a trailing dot.
 * "API.Example.com:8080" → "api.example.com"; "[::1]:80" → "[::1]".
 */
export function normalizeHost(raw: string | null | undefined): string {
  if (!raw) return "";
  let end = raw.length;
  if (raw.charCodeAt(0) === 0x5b /* [ */) {
    const close = raw.indexOf("]");
    end = close === -1 ? raw.length : close + 1;
  } else {
    const colon = raw.indexOf(":");
    if (colon !== -1) end = colon;
  }
  if (end > 0 && raw.charCodeAt(end - 1) === 0x2e) end--;
  const host = end === raw.length ? raw : raw.slice(0, end);
  return host.toLowerCase();
}

/** Whether a normalized host (see normalizeHost) fits a host pattern. */
export function hostMatches(m: HostMatcher, host: string): boolean {
  if (m.kind === "any") return true;
  if (m.kind === "exact") return host === m.value;
  return host.length > m.suffix.length && host.endsWith(m.suffix);
}

/** Segment-aware prefix: "/api/users" matches "/api/users" and "/api/users/1", not "/api/usersx". */
export function pathMatches(route: CompiledRoute, path: string): boolean {
  if (route.pathType === "prefix") {
    const p = route.pathValue;
    if (p === "/") return true;
    if (!path.startsWith(p)) return false;
    return path.length === p.length || path.charCodeAt(p.length) === 0x2f;
  }
  if (route.pathType === "exact") return path === route.pathValue;
  return route.pathRegex!.test(path);
}

export function stringMatches(m: CompiledStringMatch, value: string | undefined): boolean {
  switch (m.kind) {
    case "present": return value !== undefined;
    case "absent": return value === undefined;
    case "exact": return value === m.value;
    case "prefix": return value !== undefined && value.startsWith(m.value);
    case "regex": return value !== undefined && m.regex.test(value);
  }
}

/** A request header as one string (repeated headers joined with ", ", as match conditions see them). */
export function headerValue(headers: MatchRequest["headers"], name: string): string | undefined {
  const v = headers[name];
  if (v === undefined || typeof v === "string") return v;
  return v.join(", ");
}

function conditionsHold(conditions: readonly CompiledCondition[], get: (name: string) => string | undefined): boolean {
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i]!;
    if (!stringMatches(c.match, get(c.name))) return false;
  }
  return true;
}

function blockMatches(block: CompiledMatchBlock, req: MatchRequest): boolean {
  if (block.methods !== null && !block.methods.has(req.method)) return false;
  for (let i = 0; i < block.headers.length; i++) {
    const c = block.headers[i]!;
    if (!stringMatches(c.match, headerValue(req.headers, c.name))) return false;
  }
  for (let i = 0; i < block.cookies.length; i++) {
    const c = block.cookies[i]!;
    if (!stringMatches(c.match, cookieValue(req.headers.cookie, c.name))) return false;
  }
  if (block.query.length > 0) {
    const q = req.query;
    return conditionsHold(block.query, (name) => q?.get(name) ?? undefined);
  }
  return true;
}

/** The entry's match for the request, or null: host, route methods, path, then the first rule that accepts. */
function tryEntry(entry: RouteEntry, req: MatchRequest, host: string): RouteMatch | null {
  if (!hostMatches(entry.host, host)) return null;
  const route = entry.route;
  if (route.methods !== null && !route.methods.has(req.method)) return null;
  if (!pathMatches(route, req.path)) return null;
  return firstRule(route, req);
}

/**
 * tryEntry for an index candidate: its host is the cell's, so it matches; and the lookup may
 * have matched its path already (pathCheck). Fewer objects read per candidate, which in a big
 * table are mostly cache misses.
 */
function tryCandidate(route: CompiledRoute, req: MatchRequest, pathCheck: number): RouteMatch | null {
  if (route.methods !== null && !route.methods.has(req.method)) return null;
  if (pathCheck === PATH_LENGTH ? req.path.length !== route.pathValue.length : pathCheck === PATH_CHECK && !pathMatches(route, req.path)) return null;
  return firstRule(route, req);
}

function firstRule(route: CompiledRoute, req: MatchRequest): RouteMatch | null {
  const rules = route.rules;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    if (rule.match === null) return route.results[r]!;
    for (let b = 0; b < rule.match.length; b++) {
      if (blockMatches(rule.match[b]!, req)) return route.results[r]!;
    }
  }
  return null;
}

/**
 * First route (in table order) whose host, path and methods match and that has a matching
 * rule; within a route, the first rule whose match blocks accept the request (blocks are OR,
 * conditions in a block AND). A route whose rules all decline is skipped, so a more general
 * route behind it can still take the request. Big tables look only at the index's candidates,
 * in the same order.
 */
export function matchRoute(table: CompiledConfig, req: MatchRequest): RouteMatch | null {
  const host = normalizeHost(req.host);
  const entries = table.entries;
  const index = table.index;
  if (index !== null) {
    const lists = collectCandidates(index, host, req.path);
    const pathCheck = index.pathCheck;
    for (let i = nextCandidate(index, lists); i !== -1; i = nextCandidate(index, lists)) {
      const found = tryCandidate(entries[i]!.route, req, pathCheck[i]!);
      if (found !== null) return found;
    }
    return null;
  }
  for (let i = 0; i < entries.length; i++) {
    const found = tryEntry(entries[i]!, req, host);
    if (found !== null) return found;
  }
  return null;
}
