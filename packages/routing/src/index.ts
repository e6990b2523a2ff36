export { compileConfig } from "./compile-config.ts";
export { ConfigCompileError, CompileErrorCode, isConfigCompileError } from "./compile-error.ts";
export { canonicalizePath } from "./canonicalize-path.ts";
export { headerValue, hostMatches, matchRoute, normalizeHost, pathMatches, stringMatches } from "./match-route.ts";
export { checkCertificates } from "./tls-certificates.ts";
export { resolveUpstreamTls } from "./upstream-tls.ts";
export { probePolicy } from "./resolve-policy.ts";
export { pickDestination } from "./pick-destination.ts";
export { forwardPath } from "./strip-path.ts";
export { upstreamPath } from "./rewrite-path.ts";
export { formatHost, targetOrigin } from "./target-address.ts";
export { cookieValue } from "./cookie-value.ts";
export type * from "./compiled-types.ts";
// The gateway and the route simulator share it; it lives in config so exporters can use it too.
export { hashString } from "@switchyard/config";
export { AUTH_RUN_ORDER, POLICY_PHASE, POLICY_RUN_ORDER, policiesInRunOrder, selectPolicies } from "./policy-run-order.ts";
export type { AppliedPolicy, PolicyPhase, PolicyTarget, SelectedPolicy } from "./policy-run-order.ts";
export { checkJwtCredentials, jwtKeyField, prepareCredentialKeys, prepareJwks, prepareKey } from "./jwt-keys.ts";
export type { PreparedKey } from "./jwt-keys.ts";
