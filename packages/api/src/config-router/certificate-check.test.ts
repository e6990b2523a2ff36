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

  it("refuses a service whose upstream CA does not parse, a MUTUAL one without its certificate or with a key of another, ISTIO_MUTUAL, with the service's own field paths", async () => {
    const ca = selfSigned("ca.example.com").cert;
    const service = (tls: unknown) => ({ name: "secure", targets: [{ host: "127.0.0.1", port: 9443 }], trafficPolicy: { tls } });
    const broken = await refusal(editor.services.upsert({ service: service({ mode: "SIMPLE", caCertificates: ca.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!") }) }));
    expect(broken.fieldErrors).toEqual([{ path: "trafficPolicy.tls.caCertificates", message: expect.stringContaining("Certificate 1 does not parse") }]);
    const bare = await refusal(editor.services.upsert({ service: service({ mode: "MUTUAL" }) }));
    expect(bare.fieldErrors).toEqual([
      { path: "trafficPolicy.tls.clientCertificate", message: "MUTUAL needs a client certificate (PEM)" },
      { path: "trafficPolicy.tls.privateKey", message: "MUTUAL needs the client certificate's private key (PEM)" },
    ]);
    const client = selfSigned("client.example.com"), other = selfSigned("other.example.com");
    const mismatched = await refusal(editor.services.upsert({ service: service({ mode: "MUTUAL", clientCertificate: client.cert, privateKey: other.key }) }));
    expect(mismatched.fieldErrors).toEqual([{ path: "trafficPolicy.tls.privateKey", message: "The private key does not belong to the certificate (CN=client.example.com)" }]);
    const istio = await refusal(editor.services.upsert({ service: service({ mode: "ISTIO_MUTUAL" }) }));
    expect(istio.fieldErrors).toEqual([{ path: "trafficPolicy.tls.mode", message: expect.stringContaining("ISTIO_MUTUAL is not supported") }]);
    const saved = await editor.services.upsert({ service: service({ mode: "SIMPLE", sni: "secure.internal", caCertificates: ca }) });
    expect(saved.changed).toBe(true);
    const mutual = await editor.services.upsert({ service: service({ mode: "MUTUAL", clientCertificate: client.cert, privateKey: client.key }) });
    expect(mutual.changed).toBe(true);
    // Viewers read the key as redacted, like every other secret.
    const seen = await api.as("viewer").services.get({ name: "secure" });
    expect((seen.trafficPolicy?.tls as { privateKey?: string } | undefined)?.privateKey).toBe("<redacted>");
  });
});
