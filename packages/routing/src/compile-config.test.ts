import { describe, expect, it } from "vitest";
import { compileConfig } from "./compile-config.ts";
import { CompileErrorCode, ConfigCompileError, isConfigCompileError } from "./compile-error.ts";
import { parseTestConfig, twoServices } from "./test-config.ts";

function compileError(fn: () => unknown): ConfigCompileError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigCompileError);
    return e as ConfigCompileError;
  }
  throw new Error("expected a ConfigCompileError");
}

describe("compileConfig", () => {
  const valid = parseTestConfig({
    services: [
      ...twoServices,
      {
        name: "slow",
        targets: [{ host: "10.0.0.1", port: 80 }, { host: "10.0.0.2", port: 8080, weight: 0 }],
        trafficPolicy: { timeouts: { requestMs: "2s", connectMs: "250ms" } },
      },
    ],
    routes: [
      {
        name: "users",
        path: { type: "prefix", value: "/api/users" },
        rules: [
          { match: [{ headers: { "X-Mixed-Case": { regex: "a|b" } } }], timeoutMs: "1s", destinations: [{ service: "slow" }] },
          { destinations: [{ service: "users", subset: "v1", weight: 90 }, { service: "users", subset: "v2", weight: 10 }] },
        ],
      },
    ],
  });

  it("resolves subsets to targets and effective timeouts", () => {
    const t = compileConfig(valid);
    const [slow, v1, v2] = t.destinations;
    expect(slow!.targets.map((x) => x.origin)).toEqual(["http://10.0.0.1:80"]);
    expect(slow!.targets[0]!.authority).toBe("10.0.0.1");
    expect(slow!.timeoutMs).toBe(1000);
    expect(slow!.connectTimeoutMs).toBe(250);
    expect(v1!.targets.map((x) => x.port)).toEqual([9001]);
    expect(v2!.targets.map((x) => x.port)).toEqual([9002]);
    expect(v1!.timeoutMs).toBeNull();
    expect(t.destinations.map((d) => d.id)).toEqual([0, 1, 2]);
  });

  it("prebuilds regexes and lower-cases header names", () => {
    const block = compileConfig(valid).routes[0]!.rules[0]!.match![0]!;
    expect(block.headers[0]!.name).toBe("x-mixed-case");
    const m = block.headers[0]!.match;
    expect(m.kind === "regex" && m.regex.test("a") && !m.regex.test("ab")).toBe(true);
  });

  it("returns frozen structures", () => {
    const t = compileConfig(valid);
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.entries)).toBe(true);
    expect(Object.isFrozen(t.routes[0]!.rules)).toBe(true);
    expect(Object.isFrozen(t.destinations[0]!.targets)).toBe(true);
  });

  it("compiles an empty config", () => {
    expect(compileConfig(parseTestConfig({})).entries).toEqual([]);
  });

  it("rejects unknown services and subsets with a path", () => {
    const config = parseTestConfig({ services: twoServices, routes: [{ name: "r", rules: [{ destinations: [{ service: "users" }] }] }] });
    const missingService = structuredClone(config);
    missingService.routes[0]!.rules[0]!.destinations[0]!.service = "nope";
    const e1 = compileError(() => compileConfig(missingService));
    expect(e1.code).toBe(CompileErrorCode.UnknownService);
    expect(e1.path).toBe("routes.0.rules.0.destinations.0.service");

    const missingSubset = structuredClone(config);
    missingSubset.routes[0]!.rules[0]!.destinations[0]!.subset = "v9";
    const e2 = compileError(() => compileConfig(missingSubset));
    expect(e2.code).toBe(CompileErrorCode.UnknownSubset);
    expect(e2.path).toBe("routes.0.rules.0.destinations.0.subset");
  });

  it("rejects stripPath on a regex route", () => {
    const config = parseTestConfig({
      services: twoServices,
      routes: [{ name: "r", path: { type: "regex", value: "/x/[0-9]+" }, stripPath: true, rules: [{ destinations: [{ service: "orders" }] }] }],
    });
    const e = compileError(() => compileConfig(config));
    expect(e.code).toBe(CompileErrorCode.StripPathRegex);
    expect(e.path).toBe("routes.0.stripPath");
  });

  it("rejects an invalid regex the schema did not see", () => {
    const config = parseTestConfig({ services: twoServices, routes: [{ name: "r", rules: [{ destinations: [{ service: "orders" }] }] }] });
    config.routes[0]!.path = { type: "regex", value: "([" };
    const e = compileError(() => compileConfig(config));
    expect(e.code).toBe(CompileErrorCode.InvalidRegex);
    expect(e.path).toBe("routes.0.path.value");
    expect(isConfigCompileError({ ...e, code: e.code })).toBe(true);
  });

  it("rejects duplicate route names and all-zero weights", () => {
    const config = parseTestConfig({ services: twoServices, routes: [{ name: "r", rules: [{ destinations: [{ service: "orders" }] }] }] });
    const dup = structuredClone(config);
    dup.routes.push(structuredClone(dup.routes[0]!));
    expect(compileError(() => compileConfig(dup)).code).toBe(CompileErrorCode.DuplicateRoute);

    const zero = structuredClone(config);
    zero.routes[0]!.rules[0]!.destinations = [{ service: "orders", weight: 0 }, { service: "users", weight: 0 }];
    const e = compileError(() => compileConfig(zero));
    expect(e.code).toBe(CompileErrorCode.NoWeight);
    expect(e.path).toBe("routes.0.rules.0.destinations");
  });
});
