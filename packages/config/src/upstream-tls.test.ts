import { describe, expect, it } from "vitest";
import { GatewayConfigSchema, REDACTED_SECRET, redactSecrets, toFieldErrors } from "./index.ts";
import { makeTestCertificate } from "./testing/test-certificates.ts";

const service = (tls: unknown, subsetTls?: unknown) => ({
  services: [{
    name: "s", targets: [{ host: "a.test", port: 443, labels: { v: "1" } }], trafficPolicy: { tls },
    ...(subsetTls === undefined ? {} : { subsets: [{ name: "v1", labels: { v: "1" }, trafficPolicy: { tls: subsetTls } }] }),
  }],
});
const errorsOf = (input: unknown) => {
  const r = GatewayConfigSchema.safeParse(input);
  return r.success ? [] : toFieldErrors(r.error);
};

describe("trafficPolicy.tls in the config schema", () => {
  it("accepts SIMPLE with its options and DISABLE; skip-verify defaults to false", () => {
    const config = GatewayConfigSchema.parse(service({ mode: "SIMPLE", sni: "api.internal", subjectAltNames: ["spiffe://x/y"] }, { mode: "DISABLE" }));
    expect(config.services[0]!.trafficPolicy?.tls).toEqual({ mode: "SIMPLE", sni: "api.internal", subjectAltNames: ["spiffe://x/y"], insecureSkipVerify: false });
    expect(config.services[0]!.subsets[0]!.trafficPolicy?.tls).toEqual({ mode: "DISABLE", insecureSkipVerify: false });
  });

  it("takes MUTUAL with a client certificate and key, refuses it without them, and refuses ISTIO_MUTUAL with a field error that says why", () => {
    const cert = makeTestCertificate("client.test");
    const mutual = GatewayConfigSchema.parse(service({ mode: "MUTUAL", clientCertificate: cert.cert, privateKey: cert.key }));
    expect(mutual.services[0]!.trafficPolicy?.tls).toMatchObject({ mode: "MUTUAL", clientCertificate: cert.cert, privateKey: cert.key });
    expect(errorsOf(service({ mode: "MUTUAL" }))).toEqual([
      { path: "services.0.trafficPolicy.tls.clientCertificate", message: "MUTUAL needs a client certificate (PEM)" },
      { path: "services.0.trafficPolicy.tls.privateKey", message: "MUTUAL needs the client certificate's private key (PEM)" },
    ]);
    expect(errorsOf(service({ mode: "SIMPLE", clientCertificate: cert.cert, privateKey: "not a key" })).map((e) => [e.path, e.message])).toEqual([
      ["services.0.trafficPolicy.tls.privateKey", "A PEM private key (-----BEGIN PRIVATE KEY-----)"],
      ["services.0.trafficPolicy.tls.clientCertificate", "Only used with mode MUTUAL"],
      ["services.0.trafficPolicy.tls.privateKey", "Only used with mode MUTUAL"],
    ]);
    expect(errorsOf(service({ mode: "SIMPLE" }, { mode: "ISTIO_MUTUAL" }))).toEqual([
      { path: "services.0.subsets.0.trafficPolicy.tls.mode", message: expect.stringContaining("ISTIO_MUTUAL is not supported") },
    ]);
    expect(errorsOf(service({ mode: "simple" }))[0]).toMatchObject({ path: "services.0.trafficPolicy.tls.mode", message: "Mode must be DISABLE, SIMPLE or MUTUAL" });
  });

  it("redacts the client key for viewers, and refuses a config that carries the redacted key", () => {
    const cert = makeTestCertificate("client.test");
    const config = GatewayConfigSchema.parse(service({ mode: "MUTUAL", clientCertificate: cert.cert, privateKey: cert.key }, { mode: "MUTUAL", clientCertificate: cert.cert, privateKey: cert.key }));
    const redacted = redactSecrets(config);
    expect(redacted.services[0]!.trafficPolicy?.tls?.privateKey).toBe(REDACTED_SECRET);
    expect(redacted.services[0]!.subsets[0]!.trafficPolicy?.tls?.privateKey).toBe(REDACTED_SECRET);
    expect(redacted.services[0]!.trafficPolicy?.tls?.clientCertificate).toBe(cert.cert);
    expect(errorsOf(redacted).map((e) => e.path)).toEqual(["services.0.trafficPolicy.tls.privateKey", "services.0.subsets.0.trafficPolicy.tls.privateKey"]);
  });

  it("refuses caCertificates that are not PEM certificates, and an empty subjectAltNames list", () => {
    expect(errorsOf(service({ mode: "SIMPLE", caCertificates: "/etc/ssl/ca.pem", subjectAltNames: [] })).map((e) => e.path)).toEqual([
      "services.0.trafficPolicy.tls.caCertificates",
      "services.0.trafficPolicy.tls.subjectAltNames",
    ]);
  });
});
