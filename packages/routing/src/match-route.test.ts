import type { RouteInput } from "@switchyard/config";
import { describe, expect, it } from "vitest";
import { compileConfig } from "./compile-config.ts";
import type { MatchRequest } from "./compiled-types.ts";
import { matchRoute } from "./match-route.ts";
import { forwardPath } from "./strip-path.ts";
import { parseTestConfig, twoServices } from "./test-config.ts";

const to = [{ destinations: [{ service: "orders" }] }];

function table(routes: RouteInput[]) {
  return compileConfig(parseTestConfig({ services: twoServices, routes }));
}

function req(partial: Partial<MatchRequest>): MatchRequest {
  return { method: "GET", host: "example.com", path: "/", headers: {}, query: null, ...partial };
}

function routeName(t: ReturnType<typeof table>, partial: Partial<MatchRequest>): string | null {
  return matchRoute(t, req(partial))?.route.name ?? null;
}

describe("matchRoute: paths", () => {
  const t = table([
    { name: "users", path: { type: "prefix", value: "/api/users" }, rules: to },
    { name: "users-me", path: { type: "exact", value: "/api/users/me" }, rules: to },
    { name: "api", path: { type: "prefix", value: "/api/" }, rules: to },
    { name: "numeric", path: { type: "regex", value: "/api/users/[0-9]+" }, rules: to },
  ]);

  it("prefix matching is segment-aware", () => {
    expect(routeName(t, { path: "/api/users" })).toBe("users");
    expect(routeName(t, { path: "/api/users/" })).toBe("users");
    expect(routeName(t, { path: "/api/users/1/orders" })).toBe("users");
    expect(routeName(t, { path: "/api/usersx" })).toBe("api");
    expect(routeName(t, { path: "/api" })).toBe("api");
    expect(routeName(t, { path: "/apix" })).toBeNull();
    expect(routeName(t, { path: "/" })).toBeNull();
  });

  it("exact beats prefix, longer prefix beats shorter, prefix beats regex", () => {
    expect(routeName(t, { path: "/api/users/me" })).toBe("users-me");
    expect(routeName(t, { path: "/api/users/me/x" })).toBe("users");
    expect(routeName(t, { path: "/api/users/42" })).toBe("users");
    const onlyRegex = table([
      { name: "any", path: { type: "prefix", value: "/" }, rules: to },
      { name: "numeric", path: { type: "regex", value: "/n/[0-9]+" }, rules: to },
    ]);
    expect(routeName(onlyRegex, { path: "/n/42" })).toBe("any");
  });

  it("regex matches the whole path", () => {
    const rt = table([{ name: "numeric", path: { type: "regex", value: "/n/[0-9]+" }, rules: to }]);
    expect(routeName(rt, { path: "/n/42" })).toBe("numeric");
    expect(routeName(rt, { path: "/n/42/x" })).toBeNull();
    expect(routeName(rt, { path: "/x/n/42" })).toBeNull();
  });

  it("priority beats specificity", () => {
    const rt = table([
      { name: "exact", path: { type: "exact", value: "/a/b" }, rules: to },
      { name: "catch-all", priority: 10, rules: to },
    ]);
    expect(routeName(rt, { path: "/a/b" })).toBe("catch-all");
  });

  it("ties keep config order", () => {
    const rt = table([
      { name: "first", path: { type: "prefix", value: "/a" }, rules: to },
      { name: "second", path: { type: "prefix", value: "/a" }, rules: to },
    ]);
    expect(routeName(rt, { path: "/a" })).toBe("first");
  });
});

describe("matchRoute: hosts and methods", () => {
  const t = table([
    { name: "any", rules: to },
    { name: "wild", hosts: ["*.example.com"], rules: to },
    { name: "deep-wild", hosts: ["*.eu.example.com"], rules: to },
    { name: "exact", hosts: ["api.example.com", "API2.example.com"], rules: to },
    { name: "posts", hosts: ["api.example.com"], methods: ["POST"], rules: to },
  ]);

  it("exact host > longest wildcard > any; port, case and trailing dot ignored", () => {
    expect(routeName(t, { host: "api.example.com" })).toBe("exact");
    expect(routeName(t, { host: "API.Example.com:8080" })).toBe("exact");
    expect(routeName(t, { host: "api.example.com." })).toBe("exact");
    expect(routeName(t, { host: "api2.example.com" })).toBe("exact");
    expect(routeName(t, { host: "www.example.com" })).toBe("wild");
    expect(routeName(t, { host: "a.b.example.com" })).toBe("wild");
    expect(routeName(t, { host: "x.eu.example.com" })).toBe("deep-wild");
    expect(routeName(t, { host: "example.com" })).toBe("any");
    expect(routeName(t, { host: "other.org" })).toBe("any");
    expect(routeName(t, { host: undefined })).toBe("any");
  });

  it("routes with methods win over those without, and only for those methods", () => {
    expect(routeName(t, { host: "api.example.com", method: "POST" })).toBe("posts");
    expect(routeName(t, { host: "api.example.com", method: "GET" })).toBe("exact");
  });

  it("no route without a host match", () => {
    const rt = table([{ name: "exact", hosts: ["api.example.com"], rules: to }]);
    expect(routeName(rt, { host: "example.com" })).toBeNull();
  });
});

describe("matchRoute: rules", () => {
  const t = table([
    {
      name: "users",
      path: { type: "prefix", value: "/api/users" },
      rules: [
        {
          name: "canary",
          match: [
            { headers: { "X-Canary": { exact: "1" } } },
            { query: { canary: { present: true } }, methods: ["GET"] },
          ],
          destinations: [{ service: "users", subset: "v2" }],
        },
        {
          name: "beta",
          match: [{ headers: { "x-user": { prefix: "beta-" }, "x-blocked": { absent: true } } }],
          destinations: [{ service: "users", subset: "v2" }],
        },
        {
          name: "ids",
          match: [{ headers: { "x-id": { regex: "[0-9]{3}" } } }],
          destinations: [{ service: "orders" }],
        },
        { name: "default", destinations: [{ service: "users", subset: "v1" }] },
      ],
    },
    {
      name: "only-posts",
      path: { type: "prefix", value: "/only" },
      rules: [{ match: [{ methods: ["POST"] }], destinations: [{ service: "orders" }] }],
    },
    { name: "fallback", rules: to },
  ]);

  const ruleName = (partial: Partial<MatchRequest>) => matchRoute(t, req({ path: "/api/users", ...partial }))?.rule.name;

  it("first matching rule wins; rule without match is the default", () => {
    expect(ruleName({})).toBe("default");
    expect(ruleName({ headers: { "x-canary": "1" } })).toBe("canary");
    expect(ruleName({ headers: { "x-canary": "2" } })).toBe("default");
    expect(matchRoute(t, req({ path: "/api/users", headers: { "x-canary": "1" } }))?.ruleIndex).toBe(0);
  });

  it("match blocks are OR, conditions within a block AND", () => {
    expect(ruleName({ query: new URLSearchParams("canary") })).toBe("canary");
    expect(ruleName({ query: new URLSearchParams("canary=0"), method: "POST" })).toBe("default");
    expect(ruleName({ headers: { "x-user": "beta-7" } })).toBe("beta");
    expect(ruleName({ headers: { "x-user": "beta-7", "x-blocked": "" } })).toBe("default");
    expect(ruleName({ headers: { "x-user": "alpha" } })).toBe("default");
  });

  it("header regex is a full match; multi-valued headers are joined", () => {
    expect(ruleName({ headers: { "x-id": "123" } })).toBe("ids");
    expect(ruleName({ headers: { "x-id": "1234" } })).toBe("default");
    expect(ruleName({ headers: { "x-canary": ["1"] } })).toBe("canary");
    expect(ruleName({ headers: { "x-canary": ["1", "2"] } })).toBe("default");
  });

  it("a route whose rules all decline falls through to the next route", () => {
    expect(matchRoute(t, req({ path: "/only", method: "POST" }))?.route.name).toBe("only-posts");
    expect(matchRoute(t, req({ path: "/only", method: "GET" }))?.route.name).toBe("fallback");
  });
});

describe("forwardPath", () => {
  const t = table([
    { name: "strip", path: { type: "prefix", value: "/api/users/" }, stripPath: true, rules: to },
    { name: "keep", path: { type: "prefix", value: "/keep" }, rules: to },
    { name: "exact", path: { type: "exact", value: "/health" }, stripPath: true, rules: to },
    { name: "root", stripPath: true, rules: to },
  ]);
  const fwd = (path: string) => {
    const m = matchRoute(t, req({ path }))!;
    return forwardPath(m.route, path);
  };

  it("strips the matched prefix and keeps a leading slash", () => {
    expect(fwd("/api/users")).toBe("/");
    expect(fwd("/api/users/")).toBe("/");
    expect(fwd("/api/users/42")).toBe("/42");
    expect(fwd("/keep/x")).toBe("/keep/x");
    expect(fwd("/health")).toBe("/");
    expect(fwd("/other/x")).toBe("/other/x");
  });
});
