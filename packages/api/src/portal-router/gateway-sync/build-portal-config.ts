import { createHash } from "node:crypto";
import type { Consumer, GatewayConfig, Policy } from "@switchyard/config";

/** Marks of what the portal owns in the config: admin edits of anything else never clash with it. */
export const PORTAL_POLICY_PREFIX = "portal-";
export const PORTAL_CUSTOM_ID_PREFIX = "portal:";

export interface PortalPlanLimits {
  perSecond: number | null;
  perMinute: number | null;
  perHour: number | null;
  perDay: number | null;
  monthlyQuota: number | null;
}

export interface PortalState {
  products: { slug: string; routes: string[] }[];
  /** Active subscriptions only: pending, suspended or cancelled ones have no consumer. */
  subscriptions: { id: string; productSlug: string; limits: PortalPlanLimits; keys: { id: string; keyHash: string }[] }[];
}

export const consumerNameOf = (subscriptionId: string) => `app-${subscriptionId}`;

/** A policy name within NameSchema's 63 characters, stable for the same route. */
function policyName(kind: string, route: string): string {
  const name = `${PORTAL_POLICY_PREFIX}${kind}-${route}`;
  if (name.length <= 63) return name;
  return `${PORTAL_POLICY_PREFIX}${kind}-${createHash("sha256").update(route).digest("hex").slice(0, 16)}`;
}

const isPortalPolicy = (p: Policy) => p.name.startsWith(PORTAL_POLICY_PREFIX);
const isPortalConsumer = (c: Consumer) => c.custom_id?.startsWith(PORTAL_CUSTOM_ID_PREFIX) === true;

/**
 * The config with its portal-owned part regenerated from portal state: per product route a
 * key-auth and an acl policy (the product's group), per active subscription a consumer (group =
 * product slug, its live keys as hashed key-auth credentials) and a rate-limit policy with the
 * plan's limits attached to that consumer. Everything is sorted, so the same state gives the
 * same config and hash. Routes the config no longer has are skipped; a route whose key-auth or
 * acl the admin set up by hand keeps the admin's.
 */
export function buildPortalConfig(current: GatewayConfig, state: PortalState): GatewayConfig {
  const ownPolicies = (current.policies ?? []).filter((p) => !isPortalPolicy(p));
  const ownConsumers = (current.consumers ?? []).filter((c) => !isPortalConsumer(c));
  const routeNames = new Set(current.routes.map((r) => r.name));
  const adminAttached = new Set(ownPolicies.filter((p) => p.enabled && p.scope.kind === "route").map((p) => `${p.type}\u0000${(p.scope as { name: string }).name}`));

  const groupsByRoute = new Map<string, Set<string>>();
  for (const product of state.products) {
    for (const route of product.routes) {
      if (!routeNames.has(route)) continue;
      let groups = groupsByRoute.get(route);
      if (!groups) groupsByRoute.set(route, (groups = new Set()));
      groups.add(product.slug);
    }
  }

  const policies: Policy[] = [];
  for (const route of [...groupsByRoute.keys()].sort()) {
    if (!adminAttached.has(`key-auth\u0000${route}`)) {
      policies.push({
        type: "key-auth",
        name: policyName("key-auth", route),
        enabled: true,
        scope: { kind: "route", name: route },
        config: { key_names: ["apikey", "x-api-key"], key_in_header: true, key_in_query: true, hide_credentials: true },
      });
    }
    if (!adminAttached.has(`acl\u0000${route}`)) {
      policies.push({
        type: "acl",
        name: policyName("acl", route),
        enabled: true,
        scope: { kind: "route", name: route },
        config: { allow: [...groupsByRoute.get(route)!].sort(), deny: [], hide_groups_header: false },
      });
    }
  }

  const consumers: Consumer[] = [];
  for (const sub of [...state.subscriptions].sort((a, b) => a.id.localeCompare(b.id))) {
    const username = consumerNameOf(sub.id);
    consumers.push({
      username,
      custom_id: `${PORTAL_CUSTOM_ID_PREFIX}${sub.id}`,
      groups: [sub.productSlug],
      credentials: {
        key_auth: [...sub.keys].sort((a, b) => a.id.localeCompare(b.id)).map((k) => ({ id: `key-${k.id}`, key_hash: k.keyHash })),
        basic_auth: [],
        jwt: [],
      },
    });
    const l = sub.limits;
    const limits = {
      ...(l.perSecond !== null ? { second: l.perSecond } : {}),
      ...(l.perMinute !== null ? { minute: l.perMinute } : {}),
      ...(l.perHour !== null ? { hour: l.perHour } : {}),
      ...(l.perDay !== null ? { day: l.perDay } : {}),
      ...(l.monthlyQuota !== null ? { month: l.monthlyQuota } : {}),
    };
    if (Object.keys(limits).length === 0) continue;
    policies.push({
      type: "rate-limit",
      name: `${PORTAL_POLICY_PREFIX}plan-${sub.id}`,
      enabled: true,
      scope: { kind: "consumer", name: username },
      config: {
        ...limits,
        limit_by: "consumer",
        policy: "local",
        window_type: "sliding",
        fault_tolerant: true,
        hide_client_headers: false,
        error_code: 429,
        error_message: "API rate limit exceeded",
      },
    });
  }

  const next: GatewayConfig = { ...current };
  // Absent stays absent when there is nothing to add, so a config without a portal keeps its hash.
  const allPolicies = [...ownPolicies, ...policies];
  const allConsumers = [...ownConsumers, ...consumers];
  if (allPolicies.length > 0 || current.policies !== undefined) next.policies = allPolicies;
  else delete next.policies;
  if (allConsumers.length > 0 || current.consumers !== undefined) next.consumers = allConsumers;
  else delete next.consumers;
  return next;
}
