export * from "./policy-scope.ts";
export * from "./auth-policies.ts";
export * from "./rate-limit-policy.ts";
export * from "./edge-policies.ts";
export * from "./proxy-cache-policy.ts";
export * from "./ip-address.ts";
export * from "./policy.ts";
export * from "./check-policy-references.ts";
