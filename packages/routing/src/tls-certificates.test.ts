import { describe, expect, it } from "vitest";
import { makeTestCertificate } from "@switchyard/config/testing";
import type { GatewayConfigInput } from "@switchyard/config";
import { compileConfig } from "./compile-config.ts";
import { CompileErrorCode, isConfigCompileError } from "./compile-error.ts";
import { parseTestConfig } from "./test-config.ts";

const selfSigned = (cn: string) => makeTestCertificate(cn, [cn], 30);

function compileError(certificates: NonNullable<GatewayConfigInput["certificates"]>): { code: string; path: string; message: string } {
  try {
    compileConfig(parseTestConfig({ certificates }));
  } catch (e) {
    if (isConfigCompileError(e)) return { code: e.code, path: e.path, message: e.message };
    throw e;
  }
  throw new Error("expected a compile error");
}

describe("certificate checks at compile time", () => {
  const a = selfSigned("a.test"), b = selfSigned("b.test");

  it("accepts a certificate with its own key", () => {
    expect(() => compileConfig(parseTestConfig({ certificates: [{ name: "a", hosts: ["a.test"], ...a }] }))).not.toThrow();
  });

  it("refuses a key of another certificate, naming the field", () => {
    const e = compileError([{ name: "a", hosts: ["a.test"], ...a }, { name: "b", hosts: ["b.test"], cert: b.cert, key: a.key }]);
    expect(e).toMatchObject({ code: CompileErrorCode.InvalidCertificate, path: "certificates.1.key" });
    expect(e.message).toContain("does not belong to the certificate (CN=b.test)");
  });

  it("refuses a certificate or key that does not parse", () => {
    const broken = a.cert.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!");
    expect(compileError([{ name: "a", cert: broken, key: a.key }]).path).toBe("certificates.0.cert");
    expect(compileError([{ name: "a", cert: a.cert, key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }]).path).toBe("certificates.0.key");
  });
});
