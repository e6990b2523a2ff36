// The verdicts come from the data plane's own matchers (packages/routing); this file only says why.
import {
  cookieValue, headerValue, hostMatches, normalizeHost, pathMatches, stringMatches,
  type CompiledMatchBlock, type CompiledRoute, type CompiledStringMatch, type HostMatcher, type MatchRequest,
} from "@switchyard/routing";

function describeMatch(m: CompiledStringMatch): string {
  switch (m.kind) {
    case "present": return "is present";
    case "absent": return "is absent";
    case "exact": return `equals "${m.value}"`;
    case "prefix": return `starts with "${m.value}"`;
    case "regex": return `matches /${m.regex.source.slice(4, -2)}/`;
  }
}

export function describeHost(h: HostMatcher): string {
  return h.kind === "any" ? "any host" : h.kind === "exact" ? h.value : `*${h.suffix}`;
}

/** Why a host pattern doesn't take the request, or null when it does. */
export function hostFailure(h: HostMatcher, rawHost: string | null | undefined): string | null {
  const host = normalizeHost(rawHost);
  return hostMatches(h, host) ? null : `host "${host || "(none)"}" is not ${describeHost(h)}`;
}

/** Why the route's methods and path don't take the request, or null. */
export function routeFailure(route: CompiledRoute, req: MatchRequest): string | null {
  if (route.methods !== null && !route.methods.has(req.method)) return `method ${req.method} is not one of ${[...route.methods].join(", ")}`;
  const p = route.pathValue;
  if (!pathMatches(route, req.path)) return `path "${req.path}" does not ${route.pathType === "prefix" ? `start with the segment(s) "${p}"` : route.pathType === "exact" ? `equal "${p}"` : `match /${p}/`}`;
  return null;
}

/** The first condition of a match block the request fails, or null when the block matches. */
export function blockFailure(block: CompiledMatchBlock, req: MatchRequest): string | null {
  if (block.methods !== null && !block.methods.has(req.method)) return `method ${req.method} is not one of ${[...block.methods].join(", ")}`;
  for (const c of block.headers) {
    const v = headerValue(req.headers, c.name);
    if (!stringMatches(c.match, v)) return `header ${c.name} ${v === undefined ? "is missing" : `is "${v}"`}; needs: ${describeMatch(c.match)}`;
  }
  for (const c of block.cookies) {
    const v = cookieValue(req.headers.cookie, c.name);
    if (!stringMatches(c.match, v)) return `cookie ${c.name} ${v === undefined ? "is missing" : `is "${v}"`}; needs: ${describeMatch(c.match)}`;
  }
  for (const c of block.query) {
    const v = req.query?.get(c.name) ?? undefined;
    if (!stringMatches(c.match, v)) return `query parameter ${c.name} ${v === undefined ? "is missing" : `is "${v}"`}; needs: ${describeMatch(c.match)}`;
  }
  return null;
}
