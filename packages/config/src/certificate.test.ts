import { describe, expect, it } from "vitest";
import { GatewayConfigSchema, toFieldErrors } from "./index.ts";
import { hashConfig } from "./hash.ts";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIGHfake\n-----END PRIVATE KEY-----\n";
const errorsOf = (input: unknown) => {
  const r = GatewayConfigSchema.safeParse(input);
  return r.success ? [] : toFieldErrors(r.error);
};

describe("certificates and HTTPS redirects in the config schema", () => {
  it("accepts certificates with exact and wildcard hosts, lower-cased; configs without them keep their hash", () => {
    const config = GatewayConfigSchema.parse({ certificates: [{ name: "api", hosts: ["API.example.com", "*.example.com"], cert: CERT, key: KEY }] });
    expect(config.certificates![0]!.hosts).toEqual(["api.example.com", "*.example.com"]);
    expect(hashConfig(GatewayConfigSchema.parse({}))).toBe(hashConfig({ services: [], routes: [] }));
  });

  it("gives field errors for a host claimed twice, a bad host, a non-PEM value and an encrypted key", () => {
    const errors = errorsOf({
      certificates: [
        { name: "a", hosts: ["api.example.com"], cert: CERT, key: KEY },
        { name: "b", hosts: ["x.example.com", "API.example.com"], cert: CERT, key: KEY },
        { name: "c", hosts: ["bad host"], cert: "not a certificate", key: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n-----END ENCRYPTED PRIVATE KEY-----" },
      ],
    });
    expect(errors).toEqual(expect.arrayContaining([
      { path: "certificates.1.hosts.1", message: 'Host "api.example.com" is already served by certificate "a"' },
      expect.objectContaining({ path: "certificates.2.hosts.0" }),
      { path: "certificates.2.cert", message: "A PEM certificate (-----BEGIN CERTIFICATE-----)" },
      expect.objectContaining({ path: "certificates.2.key", message: expect.stringContaining("Encrypted private keys are not supported") }),
    ]));
  });

  it("takes redirects per route and gateway-wide, defaulting to 301, and refuses other codes", () => {
    const config = GatewayConfigSchema.parse({
      settings: { httpsRedirect: { hosts: ["legacy.example.com"] } },
      services: [{ name: "s", targets: [{ host: "127.0.0.1", port: 9001 }] }],
      routes: [{ name: "r", httpsRedirect: { status: 426 }, rules: [{ destinations: [{ service: "s" }] }] }],
    });
    expect(config.settings?.httpsRedirect).toEqual({ status: 301, hosts: ["legacy.example.com"] });
    expect(config.routes[0]!.httpsRedirect).toEqual({ status: 426 });
    const errors = errorsOf({ routes: [{ name: "r", httpsRedirect: { status: 303 }, rules: [{ destinations: [], redirect: {} }] }] });
    expect(errors.map((e) => e.path)).toContain("routes.0.httpsRedirect.status");
  });
});
