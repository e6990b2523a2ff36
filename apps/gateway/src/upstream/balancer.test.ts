import { describe, expect, it } from "vitest";
import { GatewayConfigSchema, type ServiceInput } from "@switchyard/config";
import { compileConfig } from "@switchyard/routing";
import { Balancer } from "./balancer.ts";
import { hashString } from "@switchyard/routing";
import { HostRegistry } from "./host-state.ts";

function balancer(lb: NonNullable<ServiceInput["trafficPolicy"]>["loadBalancer"], weights: number[]): { b: Balancer; hosts: HostRegistry } {
  const config = GatewayConfigSchema.parse({
    services: [{ name: "s", targets: weights.map((weight, i) => ({ host: "10.0.0.1", port: 8000 + i, weight })), trafficPolicy: { loadBalancer: lb } }],
    routes: [{ name: "r", rules: [{ destinations: [{ service: "s" }] }] }],
  });
  const dest = compileConfig(config).destinations[0]!;
  const hosts = new HostRegistry();
  return { b: new Balancer(dest, dest.targets.map((t) => hosts.get(t.origin))), hosts };
}

function counts(b: Balancer, n: number, hash: (i: number) => number = () => 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) { const t = b.pick(hash(i), -1); out[t] = (out[t] ?? 0) + 1; }
  return out;
}

describe("Balancer distributions", () => {
  it("round robin: equal weights take exact turns", () => {
    expect(counts(balancer({ type: "round-robin" }, [1, 1, 1]).b, 300)).toEqual([100, 100, 100]);
  });

  it("weighted round robin: exact shares, smoothly interleaved", () => {
    const { b } = balancer({ type: "round-robin" }, [1, 3]);
    const seq = Array.from({ length: 8 }, () => b.pick(0, -1));
    expect(seq.filter((t) => t === 0)).toHaveLength(2);
    expect(seq.slice(0, 4).filter((t) => t === 0)).toHaveLength(1);
    expect(counts(b, 400)).toEqual([100, 300]);
  });

  it("random: weighted shares within ±3 pp over 10,000 picks", () => {
    const c = counts(balancer({ type: "random" }, [1, 3]).b, 10_000);
    expect(Math.abs(c[0]! / 10_000 - 0.25)).toBeLessThan(0.03);
  });

  it("least request (power of two choices): the busier target gets less", () => {
    const { b, hosts } = balancer({ type: "least-request" }, [1, 1, 1]);
    const busy = hosts.get("http://10.0.0.1:8000");
    for (let i = 0; i < 50; i++) busy.begin();
    const c = counts(b, 3_000);
    // Host 0 wins only when both choices land on it: (1/3)² ≈ 11%.
    expect(c[0]! / 3_000).toBeLessThan(0.16);
    expect(c[1]! / 3_000).toBeGreaterThan(0.36);
  });

  for (const algorithm of ["ring", "maglev"] as const) {
    it(`consistent hash (${algorithm}): same key → same target, keys spread, only an ejected target's keys move`, () => {
      const { b, hosts } = balancer({ type: "consistent-hash", consistentHash: { httpHeaderName: "x-user", algorithm } }, [1, 1, 1]);
      const keys = Array.from({ length: 3_000 }, (_, i) => hashString(`user-${i}`));
      const first = keys.map((k) => b.pick(k, -1));
      expect(keys.map((k) => b.pick(k, -1))).toEqual(first);
      for (let t = 0; t < 3; t++) {
        const share = first.filter((x) => x === t).length / keys.length;
        expect(share).toBeGreaterThan(0.2);
        expect(share).toBeLessThan(0.47);
      }
      hosts.get("http://10.0.0.1:8001").setEjectedUntil(Date.now() + 60_000);
      const after = keys.map((k) => b.pick(k, -1));
      after.forEach((t, i) => {
        expect(t).not.toBe(1);
        if (first[i] !== 1) expect(t).toBe(first[i]);
      });
    });
  }

  it("skips unhealthy and ejected targets; -1 when none is left", () => {
    const { b, hosts } = balancer({ type: "round-robin" }, [1, 1]);
    hosts.setHealthy("http://10.0.0.1:8000", false);
    expect(counts(b, 10)).toEqual([undefined, 10]);
    hosts.get("http://10.0.0.1:8001").setEjectedUntil(Date.now() + 60_000);
    expect(b.pick(0, -1)).toBe(-1);
  });
});
