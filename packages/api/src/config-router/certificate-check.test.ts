import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCertificate } from "@switchyard/config/testing";
import { refusal, startDemoApi, type ApiCaller, type DemoApi } from "../testing/demo-api.ts";
import type { TRPCError } from "@trpc/server";
import { demoConfig } from "./demo-config.ts";

const selfSigned = (cn: string) => makeTestCertificate(cn, [cn], 30);

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

  it("refuses a service whose upstream CA does not parse, or that asks for MUTUAL TLS, with the service's own field paths", async () => {
    const ca = selfSigned("ca.example.com").cert;
    const service = (tls: unknown) => ({ name: "secure", targets: [{ host: "127.0.0.1", port: 9443 }], trafficPolicy: { tls } });
    const broken = await refusal(editor.services.upsert({ service: service({ mode: "SIMPLE", caCertificates: ca.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!") }) }));
    expect(broken.fieldErrors).toEqual([{ path: "trafficPolicy.tls.caCertificates", message: expect.stringContaining("Certificate 1 does not parse") }]);
    const mutual = await refusal(editor.services.upsert({ service: service({ mode: "MUTUAL" }) }));
    expect(mutual.fieldErrors).toEqual([{ path: "trafficPolicy.tls.mode", message: expect.stringContaining("MUTUAL is not supported") }]);
    const saved = await editor.services.upsert({ service: service({ mode: "SIMPLE", sni: "secure.internal", caCertificates: ca }) });
    expect(saved.changed).toBe(true);
  });
});
