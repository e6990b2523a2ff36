export { compileConfig } from "./compile-config.ts";
export { ConfigCompileError, CompileErrorCode, isConfigCompileError } from "./compile-error.ts";
export { canonicalizePath } from "./canonicalize-path.ts";
export { matchRoute, normalizeHost } from "./match-route.ts";
export { pickDestination } from "./pick-destination.ts";
export { forwardPath } from "./strip-path.ts";
export { upstreamPath } from "./rewrite-path.ts";
export { cookieValue } from "./cookie-value.ts";
export type * from "./compiled-types.ts";
