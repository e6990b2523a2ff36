import type { Policy, PolicyType } from "@switchyard/config";

export type PolicyPhase = "access" | "upstream" | "response";

/**
 * The order policies run in: access phase — ip-restriction, cors, authentication, acl, rate
 * limiting, size limit, termination, response cache (last, so a cached answer is only given to
 * requests every other access policy let through, keyed by the consumer auth found) — then the request transform on the way upstream and the
 * response transform on the way back. The gateway builds its pipelines in this order and the
 * control plane shows it, so both read it from here.
 */
export const POLICY_RUN_ORDER: readonly PolicyType[] = [
  "ip-restriction", "cors", "key-auth", "jwt", "basic-auth", "acl", "rate-limit", "request-size-limit", "request-termination", "proxy-cache", "request-transformer", "response-transformer",
];

export const POLICY_PHASE: Readonly<Record<PolicyType, PolicyPhase>> = {
  "ip-restriction": "access", cors: "access", "key-auth": "access", jwt: "access", "basic-auth": "access", acl: "access",
  "rate-limit": "access", "request-size-limit": "access", "request-termination": "access", "proxy-cache": "access", "request-transformer": "upstream", "response-transformer": "response",
};

/** Authentication types in the order one auth step tries them. */
export const AUTH_RUN_ORDER: readonly PolicyType[] = POLICY_RUN_ORDER.filter((t) => t === "key-auth" || t === "jwt" || t === "basic-auth");

const SCOPE_RANK = { global: 0, service: 1, route: 2, consumer: 3 } as const;

/** Where a request is going: its route, the services its rule sends to, and its consumer once known. */
export interface PolicyTarget {
  route: string;
  services: readonly string[];
  /** Username of the authenticated consumer; null before (or without) authentication. */
  consumer: string | null;
}

export interface SelectedPolicy {
  policy: Policy;
  /** Policies of the same type this one wins over (less specific attachments). */
  overrides: string[];
}

/**
 * The enabled policies that apply at `target`, one per type: the most specific attachment wins
 * (consumer over route over service over global; between equals, the first listed). Consumer
 * policies count only when `target.consumer` is set.
 */
export function selectPolicies(policies: readonly Policy[], target: PolicyTarget): Map<PolicyType, SelectedPolicy> {
  const chosen = new Map<PolicyType, SelectedPolicy>();
  for (const p of policies) {
    if (!p.enabled) continue;
    const s = p.scope;
    const applies = s.kind === "global"
      || (s.kind === "service" && target.services.includes(s.name))
      || (s.kind === "route" && s.name === target.route)
      || (s.kind === "consumer" && s.name === target.consumer);
    if (!applies) continue;
    const have = chosen.get(p.type);
    if (have === undefined) chosen.set(p.type, { policy: p, overrides: [] });
    else if (SCOPE_RANK[s.kind] > SCOPE_RANK[have.policy.scope.kind]) chosen.set(p.type, { policy: p, overrides: [...have.overrides, have.policy.name] });
    else have.overrides.push(p.name);
  }
  return chosen;
}

export interface AppliedPolicy {
  name: string;
  type: PolicyType;
  phase: PolicyPhase;
  scope: Policy["scope"];
  /** Policies of the same type this one wins over (less specific attachments). */
  overrides: string[];
}

/** The policies that run at `target`, in run order. */
export function policiesInRunOrder(policies: readonly Policy[], target: PolicyTarget): AppliedPolicy[] {
  const chosen = selectPolicies(policies, target);
  return POLICY_RUN_ORDER.flatMap((type) => {
    const c = chosen.get(type);
    return c ? [{ name: c.policy.name, type, phase: POLICY_PHASE[type], scope: c.policy.scope, overrides: c.overrides }] : [];
  });
}
