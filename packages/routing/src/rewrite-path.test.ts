import { describe, expect, it } from "vitest";
import type { RouteInput } from "@switchyard/config";
import { compileConfig } from "./compile-config.ts";
import { cookieValue } from "./cookie-value.ts";
import { upstreamPath } from "./rewrite-path.ts";
import { parseTestConfig, twoServices } from "./test-config.ts";

function route(input: Partial<RouteInput>) {
  const t = compileConfig(parseTestConfig({
    services: twoServices,
    routes: [{ name: "r", rules: [{ destinations: [{ service: "orders" }] }], ...input }],
  }));
  const r = t.routes[0]!;
  return (path: string) => upstreamPath(r, r.rules[0]!, path);
}

describe("upstreamPath", () => {
  it("replaces the matched prefix segment-wise", () => {
    const f = route({ path: { type: "prefix", value: "/api" }, rules: [{ rewrite: { uri: "/v2" }, destinations: [{ service: "orders" }] }] });
    expect([f("/api"), f("/api/x"), f("/api/x/y")]).toEqual(["/v2", "/v2/x", "/v2/x/y"]);
    const root = route({ path: { type: "prefix", value: "/api" }, rules: [{ rewrite: { uri: "/" }, destinations: [{ service: "orders" }] }] });
    expect([root("/api"), root("/api/x")]).toEqual(["/", "/x"]);
  });

  it("regex rewrite replaces every match with \\1-style groups", () => {
    const f = route({ rules: [{ rewrite: { uriRegexRewrite: { match: "/(\\w+)/v1/", rewrite: "/\\1/v2/" } }, destinations: [{ service: "orders" }] }] });
    expect(f("/a/v1/b/v1/c")).toBe("/a/v2/b/v1/c");
    expect(f("/a/v1/x")).toBe("/a/v2/x");
  });

  it("falls back to strip-path without a rewrite", () => {
    const f = route({ path: { type: "prefix", value: "/svc" }, stripPath: true });
    expect([f("/svc"), f("/svc/a")]).toEqual(["/", "/a"]);
  });
});

describe("cookieValue", () => {
  it("finds a cookie by exact name", () => {
    expect(cookieValue("a=1; canary=yes; b=2", "canary")).toBe("yes");
    expect(cookieValue("xcanary=1; canary=2", "canary")).toBe("2");
    expect(cookieValue("a=1", "canary")).toBeUndefined();
    expect(cookieValue(undefined, "a")).toBeUndefined();
  });
});
