import { describe, expect, it } from "vitest";
import { GatewayConfigSchema, type GatewayConfig } from "@switchyard/config";
import { hashConfig } from "@switchyard/config/hash";
import { demoConfig } from "../../config-router/demo-config.ts";
import { buildPortalConfig, type PortalState } from "./build-portal-config.ts";

const limits = { perSecond: null, perMinute: 60, perHour: null, perDay: 1000, monthlyQuota: 20_000 };
const hash = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;

function state(over: Partial<PortalState> = {}): PortalState {
  return {
    products: [{ slug: "people", routes: ["users", "gone"] }, { slug: "shop", routes: ["orders", "users"] }],
    subscriptions: [
      { id: "b2", productSlug: "shop", limits: { ...limits, perMinute: null, perDay: null, monthlyQuota: null }, keys: [] },
      { id: "a1", productSlug: "people", limits, keys: [{ id: "k2", keyHash: hash(2) }, { id: "k1", keyHash: hash(1) }] },
    ],
    ...over,
  };
}

describe("buildPortalConfig", () => {
  const base = GatewayConfigSchema.parse(demoConfig(19001));

  it("adds key-auth and acl per product route, and a consumer with its plan's limits per active subscription", () => {
    const config = GatewayConfigSchema.parse(buildPortalConfig(base, state()));
    expect(config.policies!.filter((p) => p.scope.kind === "route").map((p) => `${p.name}:${p.type === "acl" ? p.config.allow.join("+") : ""}`)).toEqual([
      "portal-key-auth-orders:", "portal-acl-orders:shop", "portal-key-auth-users:", "portal-acl-users:people+shop",
    ]);
    expect(config.consumers!.map((c) => [c.username, c.groups, c.credentials.key_auth.map((k) => k.key_hash)])).toEqual([
      ["app-a1", ["people"], [hash(1), hash(2)]],
      ["app-b2", ["shop"], []],
    ]);
    const plan = config.policies!.find((p) => p.name === "portal-plan-a1")!;
    expect(plan.scope).toEqual({ kind: "consumer", name: "app-a1" });
    // The monthly quota is the rate limit's month period: a calendar month (UTC) at the gateway, as billing is.
    expect(plan.config).toMatchObject({ minute: 60, day: 1000, month: 20_000, limit_by: "consumer" });
    // A plan without any limit gets no rate-limit policy.
    expect(config.policies!.some((p) => p.name === "portal-plan-b2")).toBe(false);
  });

  it("is idempotent and order-independent, and replaces only what it owns", () => {
    const once = GatewayConfigSchema.parse(buildPortalConfig(base, state()));
    const twice = GatewayConfigSchema.parse(buildPortalConfig(once, state({ subscriptions: [...state().subscriptions].reverse() })));
    expect(hashConfig(twice)).toBe(hashConfig(once));
    const withAdmin: GatewayConfig = GatewayConfigSchema.parse({
      ...once,
      policies: [...once.policies!, { type: "cors", name: "site-cors", scope: { kind: "route", name: "users" } }],
      consumers: [...once.consumers!, { username: "partner", credentials: { key_auth: [{ key_hash: hash(9) }] } }],
    });
    const emptied = buildPortalConfig(withAdmin, { products: [], subscriptions: [] });
    expect(emptied.policies!.map((p) => p.name)).toEqual(["site-cors"]);
    expect(emptied.consumers!.map((c) => c.username)).toEqual(["partner"]);
  });

  it("keeps an admin's own key-auth on a route, and leaves a config without a portal untouched", () => {
    const admin = GatewayConfigSchema.parse({ ...base, policies: [{ type: "key-auth", name: "own-key-auth", scope: { kind: "route", name: "users" } }] });
    const config = buildPortalConfig(admin, state());
    expect(config.policies!.filter((p) => p.type === "key-auth").map((p) => p.name)).toEqual(["own-key-auth", "portal-key-auth-orders"]);
    const untouched = buildPortalConfig(base, { products: [], subscriptions: [] });
    expect("policies" in untouched).toBe(false);
    expect(hashConfig(GatewayConfigSchema.parse(untouched))).toBe(hashConfig(base));
  });
});
