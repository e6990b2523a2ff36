import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { JwtAlgorithm } from "@switchyard/config";
import { compileConfig } from "./compile-config.ts";
import { isConfigCompileError, type ConfigCompileError } from "./compile-error.ts";
import { prepareCredentialKeys } from "./jwt-keys.ts";
import { parseTestConfig, twoServices } from "./test-config.ts";

const spki = (pair: { publicKey: { export(o: { type: "spki"; format: "pem" }): string | Buffer } }) => pair.publicKey.export({ type: "spki", format: "pem" }) as string;
const rsa2048 = spki(generateKeyPairSync("rsa", { modulusLength: 2048 }));
const rsa1024 = spki(generateKeyPairSync("rsa", { modulusLength: 1024 }));
const p256 = spki(generateKeyPairSync("ec", { namedCurve: "prime256v1" }));
const ed25519 = spki(generateKeyPairSync("ed25519"));

function withCredentials(jwt: { algorithms: JwtAlgorithm[]; public_key?: string; secret?: string }[]) {
  return parseTestConfig({
    services: twoServices,
    routes: [{ name: "r", rules: [{ destinations: [{ service: "orders" }] }] }],
    consumers: [{ username: "ok" }, { username: "acme", credentials: { jwt: jwt.map((c, i) => ({ key: `iss-${i}`, ...c })) } }],
  });
}

function compileFailure(config: ReturnType<typeof withCredentials>): ConfigCompileError | null {
  try {
    compileConfig(config);
    return null;
  } catch (e) {
    if (!isConfigCompileError(e)) throw e;
    return e;
  }
}

describe("JWT key checks in compileConfig", () => {
  it("accepts keys that fit their algorithms", () => {
    expect(compileFailure(withCredentials([
      { algorithms: ["RS256", "PS512"], public_key: rsa2048 },
      { algorithms: ["ES256"], public_key: p256 },
      { algorithms: ["EdDSA"], public_key: ed25519 },
      { algorithms: ["HS256"], secret: "s3cret" },
    ]))).toBeNull();
  });

  it.each([
    ["an unreadable PEM", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEnotakey\n-----END PUBLIC KEY-----\n", ["ES256"], /can't be read/],
    ["an RSA key under 2048 bits", rsa1024, ["RS256"], /at least 2048 bits/],
    ["an RSA key for ES256", rsa2048, ["ES256"], /ES256 needs an EC key on prime256v1/],
    ["an EC key for PS256", p256, ["PS256"], /PS256 needs an RSA key, not ec/],
    ["an Ed25519 key next to a fitting algorithm", ed25519, ["EdDSA", "ES256"], /ES256 needs an EC key/],
  ] as const)("refuses %s, at the credential's key field", (_name, key, algorithms, message) => {
    const e = compileFailure(withCredentials([{ algorithms: ["HS256"], secret: "fine" }, { algorithms: [...algorithms], public_key: key }]));
    expect(e?.code).toBe("SY_COMPILE_INVALID_CREDENTIAL");
    expect(e?.path).toBe("consumers.1.credentials.jwt.1.public_key");
    expect(e?.message).toMatch(message);
  });

  it("prepares one key per algorithm, with the fixed signature length where there is one", () => {
    const keys = prepareCredentialKeys(withCredentials([{ algorithms: ["ES256"], public_key: p256 }]).consumers![1]!.credentials.jwt[0]!);
    expect(keys instanceof Map && [...keys.keys()]).toEqual(["ES256"]);
    expect(keys instanceof Map && keys.get("ES256")?.sigLength).toBe(64);
  });
});
