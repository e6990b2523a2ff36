import type { CompiledRoute } from "./compiled-types.ts";

/**
 * The path to send upstream: the canonical path, with the route's matched prefix removed when
 * the route has stripPath (Kong strip_path). Always starts with "/".
 */
export function forwardPath(route: CompiledRoute, path: string): string {
  if (!route.stripPath) return path;
  if (route.pathType === "exact") return "/";
  const prefix = route.pathValue;
  if (prefix === "/") return path;
  const rest = path.slice(prefix.length);
  return rest.length === 0 ? "/" : rest;
}
