import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal, startDemoApi, type ApiCaller, type DemoApi } from "../testing/demo-api.ts";
import { TRPCError } from "@trpc/server";
import { demoConfig } from "./demo-config.ts";

const pem = (type: "rsa" | "ec", bits = 2048): string => {
  const pair = type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: bits }) : generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return pair.publicKey.export({ type: "spki", format: "pem" }) as string;
};

describe("the control plane refuses JWT credentials a data plane would nack (PGlite)", () => {
  let api: DemoApi;
  let editor: ApiCaller;

  beforeAll(async () => {
    api = await startDemoApi();
    editor = api.editor;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const withJwt = (credential: Record<string, unknown>) => ({ ...demoConfig(19001), consumers: [{ username: "acme", credentials: { jwt: [{ key: "issuer-a", ...credential }] } }] });

  it("refuses an unreadable PEM, a short RSA key and a key type outside the allowlist, storing nothing", async () => {
    const before = await editor.config.versions();
    const garbled = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEnotakey\n-----END PUBLIC KEY-----\n";
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ algorithms: ["ES256"], public_key: garbled }, /can't be read/],
      [{ algorithms: ["RS256"], public_key: pem("rsa", 1024) }, /at least 2048 bits/],
      [{ algorithms: ["RS256"], public_key: pem("ec") }, /RS256 needs an RSA key, not ec/],
    ];
    for (const [credential, message] of cases) {
      const e = await refusal(editor.config.replace({ config: withJwt(credential), message: "bad key" }));
      expect(e.code).toBe("BAD_REQUEST");
      expect(e.fieldErrors).toHaveLength(1);
      expect(e.fieldErrors![0]!.path).toBe("consumers.0.credentials.jwt.0.public_key");
      expect(e.fieldErrors![0]!.message).toMatch(message);
    }
    expect(await editor.config.versions()).toEqual(before);
    expect((await editor.config.current())!.config.consumers ?? []).toEqual([]);
  });

  it("accepts a good key, and refuses a bad one added to a consumer with a consumer-relative path", async () => {
    const ok = await editor.config.replace({ config: withJwt({ algorithms: ["RS256", "PS256"], public_key: pem("rsa") }), message: "good key" });
    expect(ok.changed).toBe(true);
    const e = await refusal(editor.consumers.addJwt({ username: "acme", credential: { key: "issuer-b", algorithms: ["ES256"], public_key: pem("rsa") } }));
    expect(e.code).toBe("BAD_REQUEST");
    expect(e.fieldErrors).toEqual([{ path: "credentials.jwt.1.public_key", message: "ES256 needs an EC key on prime256v1" }]);
    expect((await editor.config.current())!.version).toBe(ok.version);
  });
});
