import { cookieValue, normalizeHost, type CompiledMatchBlock, type CompiledRoute, type CompiledStringMatch, type HostMatcher, type MatchRequest } from "@switchyard/routing";

function describeMatch(m: CompiledStringMatch): string {
  switch (m.kind) {
    case "present": return "is present";
    case "absent": return "is absent";
    case "exact": return `equals "${m.value}"`;
    case "prefix": return `starts with "${m.value}"`;
    case "regex": return `matches /${m.regex.source.slice(4, -2)}/`;
  }
}

function holds(m: CompiledStringMatch, value: string | undefined): boolean {
  switch (m.kind) {
    case "present": return value !== undefined;
    case "absent": return value === undefined;
    case "exact": return value === m.value;
    case "prefix": return value !== undefined && value.startsWith(m.value);
    case "regex": return value !== undefined && m.regex.test(value);
  }
}

export function describeHost(h: HostMatcher): string {
  return h.kind === "any" ? "any host" : h.kind === "exact" ? h.value : `*${h.suffix}`;
}

/** Why a host pattern doesn't take the request, or null when it does. */
export function hostFailure(h: HostMatcher, rawHost: string | null | undefined): string | null {
  const host = normalizeHost(rawHost);
  const ok = h.kind === "any" || (h.kind === "exact" ? host === h.value : host.length > h.suffix.length && host.endsWith(h.suffix));
  return ok ? null : `host "${host || "(none)"}" is not ${describeHost(h)}`;
}

/** Why the route's methods and path don't take the request, or null. */
export function routeFailure(route: CompiledRoute, req: MatchRequest): string | null {
  if (route.methods !== null && !route.methods.has(req.method)) return `method ${req.method} is not one of ${[...route.methods].join(", ")}`;
  const p = route.pathValue;
  const ok = route.pathType === "prefix"
    ? p === "/" || (req.path.startsWith(p) && (req.path.length === p.length || req.path.charCodeAt(p.length) === 0x2f))
    : route.pathType === "exact" ? req.path === p : route.pathRegex!.test(req.path);
  if (!ok) return `path "${req.path}" does not ${route.pathType === "prefix" ? `start with the segment(s) "${p}"` : route.pathType === "exact" ? `equal "${p}"` : `match /${p}/`}`;
  return null;
}

function headerValue(headers: MatchRequest["headers"], name: string): string | undefined {
  const v = headers[name];
  return v === undefined || typeof v === "string" ? v : v.join(", ");
}

/** The first condition of a match block the request fails, or null when the block matches. */
export function blockFailure(block: CompiledMatchBlock, req: MatchRequest): string | null {
  if (block.methods !== null && !block.methods.has(req.method)) return `method ${req.method} is not one of ${[...block.methods].join(", ")}`;
  for (const c of block.headers) {
    const v = headerValue(req.headers, c.name);
    if (!holds(c.match, v)) return `header ${c.name} ${v === undefined ? "is missing" : `is "${v}"`}; needs: ${describeMatch(c.match)}`;
  }
  for (const c of block.cookies) {
    const v = cookieValue(req.headers.cookie, c.name);
    if (!holds(c.match, v)) return `cookie ${c.name} ${v === undefined ? "is missing" : `is "${v}"`}; needs: ${describeMatch(c.match)}`;
  }
  for (const c of block.query) {
    const v = req.query?.get(c.name) ?? undefined;
    if (!holds(c.match, v)) return `query parameter ${c.name} ${v === undefined ? "is missing" : `is "${v}"`}; needs: ${describeMatch(c.match)}`;
  }
  return null;
}
