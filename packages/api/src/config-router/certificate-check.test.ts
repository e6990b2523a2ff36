import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal, startDemoApi, type ApiCaller, type DemoApi } from "../testing/demo-api.ts";
import type { TRPCError } from "@trpc/server";
import { demoConfig } from "./demo-config.ts";

/** A throwaway self-signed EC certificate from the openssl binary. */
function selfSigned(cn: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "sy-cert-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "k"), "-out", join(dir, "c"), "-days", "30", "-subj", `/CN=${cn}`], { stdio: "ignore" });
    return { cert: readFileSync(join(dir, "c"), "utf8"), key: readFileSync(join(dir, "k"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the control plane refuses certificates a data plane could not load (PGlite)", () => {
  let api: DemoApi;
  let editor: ApiCaller;

  beforeAll(async () => {
    api = await startDemoApi();
    editor = api.editor;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it("refuses a key that does not belong to its certificate with the field, storing nothing; accepts a matching one", async () => {
    const a = selfSigned("a.example.com"), b = selfSigned("b.example.com");
    const before = await editor.config.versions();
    const error = await editor.config.replace({ config: { ...demoConfig(19001), certificates: [{ name: "a", hosts: ["a.example.com"], cert: a.cert, key: b.key }] }, message: "bad" })
      .then(() => null, (e: TRPCError) => e);
    expect(error?.code).toBe("BAD_REQUEST");
    expect((error?.cause as { fieldErrors?: unknown } | undefined)?.fieldErrors).toEqual([
      { path: "certificates.0.key", message: "The private key does not belong to the certificate (CN=a.example.com)" },
    ]);
    expect(await editor.config.versions()).toEqual(before);
    const ok = await editor.config.replace({ config: { ...demoConfig(19001), certificates: [{ name: "a", hosts: ["a.example.com"], ...a }] }, message: "good" });
    expect(ok.changed).toBe(true);
  });
});
