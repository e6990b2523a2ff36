import { describe, expect, it } from "vitest";
import { PolicySchema, type PolicyInput } from "@switchyard/config";
import { POLICY_PHASE, POLICY_RUN_ORDER, policiesInRunOrder, selectPolicies } from "./policy-run-order.ts";

const policies = ([
  { type: "rate-limit", name: "global-rl", config: { minute: 10 } },
  { type: "rate-limit", name: "svc-rl", scope: { kind: "service", name: "a" }, config: { minute: 20 } },
  { type: "rate-limit", name: "route-rl", scope: { kind: "route", name: "ra" }, config: { minute: 30 } },
  { type: "rate-limit", name: "acme-rl", scope: { kind: "consumer", name: "acme" }, config: { minute: 40 } },
  { type: "rate-limit", name: "off-rl", enabled: false, scope: { kind: "consumer", name: "acme" }, config: { minute: 50 } },
  { type: "key-auth", name: "keys" },
  { type: "cors", name: "cors-b", scope: { kind: "service", name: "b" } },
  { type: "cors", name: "cors-a", scope: { kind: "service", name: "a" } },
  { type: "ip-restriction", name: "ips", scope: { kind: "route", name: "ra" }, config: { deny: ["10.0.0.0/8"] } },
  { type: "response-transformer", name: "resp" },
] satisfies PolicyInput[]).map((p) => PolicySchema.parse(p));

describe("policy run order and most-specific-wins", () => {
  it("orders every policy type once, access before upstream before response", () => {
    expect(new Set(POLICY_RUN_ORDER).size).toBe(Object.keys(POLICY_PHASE).length);
    const phases = POLICY_RUN_ORDER.map((t) => POLICY_PHASE[t]);
    expect(phases).toEqual([...phases].sort((x, y) => ["access", "upstream", "response"].indexOf(x) - ["access", "upstream", "response"].indexOf(y)));
    expect(POLICY_RUN_ORDER.indexOf("key-auth")).toBeLessThan(POLICY_RUN_ORDER.indexOf("rate-limit"));
  });

  it("picks route over service over global, lists what each winner overrides, and runs them in order", () => {
    const applied = policiesInRunOrder(policies, { route: "ra", services: ["a"], consumer: null });
    expect(applied.map((p) => p.name)).toEqual(["ips", "cors-a", "keys", "route-rl", "resp"]);
    expect(applied.find((p) => p.type === "rate-limit")!.overrides).toEqual(["global-rl", "svc-rl"]);
    expect(policiesInRunOrder(policies, { route: "rb", services: ["b"], consumer: null }).map((p) => p.name)).toEqual(["cors-b", "keys", "global-rl", "resp"]);
  });

  it("counts a consumer's own policies only once the consumer is known; disabled ones never", () => {
    expect(selectPolicies(policies, { route: "ra", services: ["a"], consumer: "acme" }).get("rate-limit")!.policy.name).toBe("acme-rl");
    expect(selectPolicies(policies, { route: "ra", services: ["a"], consumer: "bob" }).get("rate-limit")!.policy.name).toBe("route-rl");
  });

  it("between equally specific attachments (a rule sending to two services) the first listed wins", () => {
    const cors = selectPolicies(policies, { route: "rx", services: ["a", "b"], consumer: null }).get("cors")!;
    expect(cors.policy.name).toBe("cors-b");
    expect(cors.overrides).toEqual(["cors-a"]);
  });
});
