import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { internStrings } from "./intern-strings.ts";

describe("internStrings", () => {
  it("keeps every value equal, in nested objects and arrays, and returns its argument", () => {
    const long = "x".repeat(300);
    const config = { routes: [{ name: "orders", match: { headers: [{ name: "x-canary-group", exact: "beta" }] }, n: 3, on: true, none: null }], pem: long };
    const copy = structuredClone(config);
    expect(internStrings(copy)).toBe(copy);
    expect(copy).toEqual(config);
    expect(internStrings(null)).toBeNull();
    expect(internStrings("already-a-string")).toBe("already-a-string");
  });

  // What it is for: V8 reports a string's representation only to natives syntax, so a child node
  // prints it. A config value that arrives through JSON.parse (or a worker message) is a plain
  // heap string; after the walk the same field holds the internalized copy, and long values
  // (certificates) are left alone.
  it("replaces parsed and cloned strings by V8's internalized copies", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "intern-"));
    try {
      const script = path.join(dir, "probe.mjs");
      writeFileSync(script, `
const { internStrings } = await import(${JSON.stringify(path.join(import.meta.dirname, "intern-strings.ts"))});
const parsed = JSON.parse('{"header_names":["authorization-header"],"pem":"${"y".repeat(300)}"}');
const cloned = structuredClone({ name: "x-sticky-session-key" });
%DebugPrint(parsed.header_names[0]);
%DebugPrint(cloned.name);
internStrings(parsed);
internStrings(cloned);
%DebugPrint(parsed.header_names[0]);
%DebugPrint(cloned.name);
%DebugPrint(parsed.pem);
`);
      const run = spawnSync(process.execPath, ["--allow-natives-syntax", script], { encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      const types = [...run.stdout.matchAll(/^ - type: (\S+)$/gm)].map((m) => m[1]);
      expect(types).toHaveLength(5);
      expect(types.slice(0, 2).every((t) => !t!.startsWith("INTERNALIZED"))).toBe(true);
      expect(types.slice(2, 4)).toEqual(["INTERNALIZED_ONE_BYTE_STRING_TYPE", "INTERNALIZED_ONE_BYTE_STRING_TYPE"]);
      expect(types[4]!.startsWith("INTERNALIZED")).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
