import { describe, expect, it } from "vitest";
import { GatewayConfigSchema, toFieldErrors } from "./index.ts";

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

  it("refuses MUTUAL and ISTIO_MUTUAL with a field error that says why, also in a subset", () => {
    expect(errorsOf(service({ mode: "MUTUAL" }))).toEqual([
      { path: "services.0.trafficPolicy.tls.mode", message: expect.stringContaining("MUTUAL is not supported: the gateway has no client certificate") },
    ]);
    expect(errorsOf(service({ mode: "SIMPLE" }, { mode: "ISTIO_MUTUAL" }))).toEqual([
      { path: "services.0.subsets.0.trafficPolicy.tls.mode", message: expect.stringContaining("ISTIO_MUTUAL is not supported") },
    ]);
    expect(errorsOf(service({ mode: "simple" }))[0]).toMatchObject({ path: "services.0.trafficPolicy.tls.mode", message: "Mode must be DISABLE or SIMPLE" });
  });

  it("refuses caCertificates that are not PEM certificates, and an empty subjectAltNames list", () => {
    expect(errorsOf(service({ mode: "SIMPLE", caCertificates: "/etc/ssl/ca.pem", subjectAltNames: [] })).map((e) => e.path)).toEqual([
      "services.0.trafficPolicy.tls.caCertificates",
      "services.0.trafficPolicy.tls.subjectAltNames",
    ]);
  });
});
