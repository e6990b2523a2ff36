import { describe, expect, it } from "vitest";
import type { RouteInput } from "@switchyard/config";
import { compileConfig } from "./compile-config.ts";
import { matchRoute } from "./match-route.ts";
import { regexHeadSegments } from "./route-index.ts";
import { parseTestConfig, twoServices } from "./test-config.ts";

describe("route index", () => {
  it("reads the literal first segment of a regex only when it is certain", () => {
    expect(regexHeadSegments("^/v12/items/[0-9]+$")).toEqual(["v12", "items"]);
    expect(regexHeadSegments("/api/.*")).toEqual(["api"]);
    expect(regexHeadSegments("^/api/v1$")).toEqual(["api", "v1"]);
    expect(regexHeadSegments("^/apis?/x")).toEqual([]);
    expect(regexHeadSegments("^/(a|b)/x")).toEqual([]);
    expect(regexHeadSegments("^/a.c/x")).toEqual([]);
    expect(regexHeadSegments("^/a/b+/c")).toEqual(["a"]);
    expect(regexHeadSegments(".*")).toEqual([]);
  });

  it("picks exactly what a linear scan picks, over a mixed 400-route table", () => {
    const hosts = ["a.example.com", "*.example.com", "*.b.example.com", "c.test"];
    const routes: RouteInput[] = [];
    for (let i = 0; i < 400; i++) {
      const shape = i % 5;
      routes.push({
        name: `r${i}`,
        priority: i % 11 === 0 ? 5 : 0,
        hosts: i % 2 === 0 ? [hosts[i % 4]!] : [],
        path: shape === 0 ? { type: "prefix", value: `/s${i % 13}` }
          : shape === 1 ? { type: "exact", value: `/s${i % 13}/x${i % 3}` }
          : shape === 2 ? { type: "regex", value: `^/s${i % 13}/r[0-9]+$` }
          : shape === 3 ? { type: "regex", value: `^/(s${i % 13}|t)/q$` }
          : { type: "prefix", value: i % 50 === 4 ? "/" : `/s${i % 13}/x${i % 3}` },
        methods: i % 7 === 0 ? ["POST"] : [],
        rules: [
          ...(i % 3 === 0 ? [{ match: [{ headers: { "x-v": { exact: String(i % 4) } } }], destinations: [{ service: "orders" }] }] : []),
          ...(i % 9 === 0 ? [] : [{ destinations: [{ service: "orders" }] }]),
        ],
      } as RouteInput);
    }
    const indexed = compileConfig(parseTestConfig({ services: twoServices, routes }));
    expect(indexed.index).not.toBeNull();
    const linear = { ...indexed, index: null };
    const paths = ["/", "/s1", "/s1/x1", "/s2/x0/deep", "/s3/r42", "/t/q", "/s4/q", "/zzz", "/s12/x2"];
    const reqHosts = ["a.example.com", "z.example.com", "y.b.example.com", "c.test", "other", "example.com"];
    let compared = 0;
    for (const path of paths) for (const host of reqHosts) for (const method of ["GET", "POST"]) for (const v of ["0", "1", "2"]) {
      const req = { method, host, path, headers: { "x-v": v }, query: null };
      const a = matchRoute(indexed, req), b = matchRoute(linear, req);
      expect([a?.route.name, a?.ruleIndex]).toEqual([b?.route.name, b?.ruleIndex]);
      compared++;
    }
    expect(compared).toBe(324);
  });
});
