import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Whether an object is in V8's fast mode is visible only to natives syntax, so a child node
// prints it: after a class extends String (what ioredis does) and the gateway's own policy runtime
// (which loads ioredis) is imported, String.prototype is slow; after the refresh it and the other
// built-in prototypes are fast.
describe("refreshBuiltinPrototypes", () => {
  it("makes the built-in prototypes fast again after a class extended String", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "fast-proto-"));
    try {
      const script = path.join(dir, "probe.mjs");
      writeFileSync(script, `
const fast = () => [String, Array, Object, Number, Function].map((c) => c.name + "=" + %HasFastProperties(c.prototype)).join(" ");
class Verbatim extends String {}
await import(${JSON.stringify(path.join(import.meta.dirname, "policies/policy-runtime.ts"))});
console.log("before " + fast());
const { refreshBuiltinPrototypes } = await import(${JSON.stringify(path.join(import.meta.dirname, "fast-prototypes.ts"))});
refreshBuiltinPrototypes();
console.log("after " + fast());
`);
      const run = spawnSync(process.execPath, ["--allow-natives-syntax", script], { encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      const line = (label: string) => run.stdout.split("\n").find((l) => l.startsWith(label))!;
      expect(line("before")).toContain("String=false");
      expect(line("after")).toBe("after String=true Array=true Object=true Number=true Function=true");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is done by the supervisor's own module (which loads ioredis through the policy runtime)", () => {
    const run = spawnSync(process.execPath, ["--allow-natives-syntax", "--input-type=module", "-e", `
await import(${JSON.stringify(path.join(import.meta.dirname, "start-gateway.ts"))});
console.log("String=" + %HasFastProperties(String.prototype));
`], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("String=true");
  });
});
