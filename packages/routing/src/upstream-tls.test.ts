import { describe, expect, it } from "vitest";
import { makeTestCertificate } from "@switchyard/config/testing";
import type { GatewayConfigInput } from "@switchyard/config";
import { compileConfig } from "./compile-config.ts";
import { CompileErrorCode, isConfigCompileError } from "./compile-error.ts";
import { parseTestConfig } from "./test-config.ts";

const ca = makeTestCertificate("ca.test", ["ca.test"], 30).cert;

function config(serviceTls: unknown, subsetTls?: unknown): GatewayConfigInput {
  return {
    services: [{
      name: "s", targets: [{ host: "a.test", port: 443, labels: { v: "1" } }],
      trafficPolicy: { tls: serviceTls } as never,
      subsets: [{ name: "v1", labels: { v: "1" }, ...(subsetTls === undefined ? {} : { trafficPolicy: { tls: subsetTls } as never }) }],
    }],
    routes: [
      { name: "whole", path: { type: "prefix", value: "/w" }, rules: [{ destinations: [{ service: "s" }] }] },
      { name: "subset", path: { type: "prefix", value: "/v1" }, rules: [{ destinations: [{ service: "s", subset: "v1" }] }] },
    ],
  };
}

function compileError(input: GatewayConfigInput): { code: string; path: string; message: string } {
  try {
    compileConfig(parseTestConfig(input));
  } catch (e) {
    if (isConfigCompileError(e)) return { code: e.code, path: e.path, message: e.message };
    throw e;
  }
  throw new Error("expected a compile error");
}

describe("upstream TLS at compile time", () => {
  it("resolves SIMPLE once per cluster; a subset's tls replaces the service's, DISABLE turns it off", () => {
    const table = compileConfig(parseTestConfig(config({ mode: "SIMPLE", sni: "api.internal", caCertificates: ca }, { mode: "DISABLE" })));
    const [whole, subset] = table.destinations;
    expect(whole!.tls).toMatchObject({ sni: "api.internal", rejectUnauthorized: true, ca, subjectAltNames: null });
    expect(subset!.tls).toBeNull();
    const skip = compileConfig(parseTestConfig(config({ mode: "DISABLE" }, { mode: "SIMPLE", insecureSkipVerify: true, subjectAltNames: ["x"] })));
    expect(skip.destinations[0]!.tls).toBeNull();
    expect(skip.destinations[1]!.tls).toMatchObject({ sni: null, rejectUnauthorized: false, ca: null, subjectAltNames: ["x"] });
  });

  it("keys settings that trust differently apart (pools are shared by this key)", () => {
    const other = makeTestCertificate("other.test", ["other.test"], 30).cert;
    const a = compileConfig(parseTestConfig(config({ mode: "SIMPLE", caCertificates: ca }, { mode: "SIMPLE", caCertificates: other })));
    expect(a.destinations[0]!.tls!.key).not.toBe(a.destinations[1]!.tls!.key);
  });

  it("refuses a CA bundle whose certificate does not parse, naming the field (also in a subset)", () => {
    const broken = ca.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!");
    expect(compileError(config({ mode: "SIMPLE", caCertificates: broken }))).toMatchObject({
      code: CompileErrorCode.InvalidCertificate, path: "services.0.trafficPolicy.tls.caCertificates",
    });
    expect(compileError(config({ mode: "DISABLE" }, { mode: "SIMPLE", caCertificates: `${ca}\n${broken}` }))).toMatchObject({
      path: "services.0.subsets.0.trafficPolicy.tls.caCertificates", message: expect.stringContaining("Certificate 2 does not parse"),
    });
  });

  it("MUTUAL carries the client certificate, keys pools by it, and refuses a key that does not belong to it", () => {
    const client = makeTestCertificate("client.test", ["client.test"], 30);
    const other = makeTestCertificate("other-client.test", ["other-client.test"], 30);
    const mutual = (c: { cert: string; key: string }) => ({ mode: "MUTUAL", caCertificates: ca, clientCertificate: c.cert, privateKey: c.key });
    const table = compileConfig(parseTestConfig(config(mutual(client), mutual(other))));
    expect(table.destinations[0]!.tls!.clientCertificate).toEqual({ cert: client.cert, key: client.key });
    expect(table.destinations[0]!.tls!.key).not.toBe(table.destinations[1]!.tls!.key);
    expect(compileError(config({ mode: "DISABLE" }, { ...mutual(client), privateKey: other.key }))).toMatchObject({
      code: CompileErrorCode.InvalidCertificate, path: "services.0.subsets.0.trafficPolicy.tls.privateKey", message: expect.stringContaining("does not belong to the certificate"),
    });
  });
});
