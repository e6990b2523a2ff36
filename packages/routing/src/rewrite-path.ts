import type { CompiledRoute, CompiledRule } from "./compiled-types.ts";
import { forwardPath } from "./strip-path.ts";

/**
 * The path sent upstream (without query): the rule's rewrite when it has one (Istio
 * HTTPRewrite: `uri` replaces the matched prefix, or the whole path for exact and regex
 * routes; `uriRegexRewrite` replaces every match), else the route's strip-path result.
 */
export function upstreamPath(route: CompiledRoute, rule: CompiledRule, path: string): string {
  const rw = rule.rewrite;
  if (rw === null || (rw.uri === null && rw.regex === null)) return forwardPath(route, path);
  if (rw.regex !== null) {
    rw.regex.lastIndex = 0;
    const out = path.replace(rw.regex, rw.substitution);
    return out.startsWith("/") ? out : `/${out}`;
  }
  const uri = rw.uri!;
  if (route.pathType !== "prefix") return uri;
  const prefix = route.pathValue === "/" ? "" : route.pathValue;
  const rest = path.slice(prefix.length);
  if (rest.length === 0) return uri;
  // "/api" → "/v2" maps "/api/x" to "/v2/x", and "/api" → "/" maps it to "/x".
  return uri.endsWith("/") && rest.startsWith("/") ? uri + rest.slice(1) : uri + rest;
}
