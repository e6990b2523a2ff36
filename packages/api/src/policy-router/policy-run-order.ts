import type { GatewayConfig, Policy, PolicyType } from "@switchyard/config";

/**
 * The order the gateway runs policies in (apps/gateway compile-policies): access phase —
 * ip-restriction, cors, authentication, acl, rate limiting, size limit, termination — then the
 * request transform on the way upstream and the response transform on the way back.
 */
export const POLICY_RUN_ORDER: readonly PolicyType[] = [
  "ip-restriction", "cors", "key-auth", "jwt", "basic-auth", "acl", "rate-limit", "request-size-limit", "request-termination", "request-transformer", "response-transformer",
];

export const POLICY_PHASE: Record<PolicyType, "access" | "upstream" | "response"> = {
  "ip-restriction": "access", cors: "access", "key-auth": "access", jwt: "access", "basic-auth": "access", acl: "access",
  "rate-limit": "access", "request-size-limit": "access", "request-termination": "access", "request-transformer": "upstream", "response-transformer": "response",
};

const SCOPE_RANK = { global: 0, service: 1, route: 2, consumer: 3 } as const;

export interface AppliedPolicy {
  name: string;
  type: PolicyType;
  phase: "access" | "upstream" | "response";
  scope: Policy["scope"];
  /** Policies of the same type this one wins over (less specific attachments). */
  overrides: string[];
}

/**
 * Which enabled policies run for a route rule that sends to `services`, in run order: of each
 * type the most specific attachment wins (consumer over route over service over global); a
 * consumer's own policies count only when `consumer` is given (it is known after authentication).
 */
export function policiesForRule(config: GatewayConfig, route: string, services: readonly string[], consumer: string | null): AppliedPolicy[] {
  const chosen = new Map<PolicyType, { policy: Policy; overrides: string[] }>();
  for (const p of config.policies ?? []) {
    if (!p.enabled) continue;
    const s = p.scope;
    const applies = s.kind === "global" || (s.kind === "service" && services.includes(s.name)) || (s.kind === "route" && s.name === route) || (s.kind === "consumer" && s.name === consumer);
    if (!applies) continue;
    const have = chosen.get(p.type);
    if (have === undefined) chosen.set(p.type, { policy: p, overrides: [] });
    else if (SCOPE_RANK[s.kind] > SCOPE_RANK[have.policy.scope.kind]) chosen.set(p.type, { policy: p, overrides: [...have.overrides, have.policy.name] });
    else have.overrides.push(p.name);
  }
  return POLICY_RUN_ORDER.flatMap((type) => {
    const c = chosen.get(type);
    return c ? [{ name: c.policy.name, type, phase: POLICY_PHASE[type], scope: c.policy.scope, overrides: c.overrides }] : [];
  });
}
