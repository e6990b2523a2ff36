import { constants, createPublicKey, createSecretKey, type KeyObject, type JsonWebKey } from "node:crypto";
import type { Consumer, JwtAlgorithm, JwtCredential } from "@switchyard/config";
import { ConfigCompileError, CompileErrorCode } from "./compile-error.ts";

/**
 * JWT key preparation, pure node:crypto: the gateway prepares its verification keys with it and
 * compileConfig runs it as a check, so a key the data plane would refuse is refused before a
 * config version is stored.
 *
 * A key ready for one algorithm: everything crypto.verify needs, built once per config (or per
 * JWKS fetch) so a verification allocates nothing but the decoded signature.
 */
export interface PreparedKey {
  readonly alg: JwtAlgorithm;
  /** HMAC: the secret; otherwise the public key. */
  readonly key: KeyObject;
  /** Digest for crypto.verify / createHmac; null for EdDSA. */
  readonly digest: string | null;
  /** The object handed to crypto.verify (padding / dsaEncoding set for PS* and ES*). */
  readonly verifyKey: KeyObject | { key: KeyObject; padding?: number; saltLength?: number; dsaEncoding?: "ieee-p1363" };
  readonly hmac: boolean;
  /** HMAC output / signature length in bytes when fixed (ES*, HS*), else 0. */
  readonly sigLength: number;
}

const DIGEST: Record<JwtAlgorithm, string | null> = {
  HS256: "sha256", HS384: "sha384", HS512: "sha512",
  RS256: "sha256", RS384: "sha384", RS512: "sha512",
  PS256: "sha256", PS384: "sha384", PS512: "sha512",
  ES256: "sha256", ES384: "sha384", ES512: "sha512",
  EdDSA: null,
};

const EC_CURVE: Partial<Record<JwtAlgorithm, string>> = { ES256: "prime256v1", ES384: "secp384r1", ES512: "secp521r1" };
const EC_SIG_LENGTH: Partial<Record<JwtAlgorithm, number>> = { ES256: 64, ES384: 96, ES512: 132 };

/** Builds the prepared key for `alg`, or explains why the key can't be used with it. */
export function prepareKey(alg: JwtAlgorithm, key: KeyObject): PreparedKey | string {
  const digest = DIGEST[alg];
  if (alg.startsWith("HS")) {
    if (key.type !== "secret") return `${alg} needs a secret`;
    return { alg, key, digest, verifyKey: key, hmac: true, sigLength: Number(alg.slice(2)) / 8 };
  }
  if (key.type !== "public") return `${alg} needs a public key`;
  const type = key.asymmetricKeyType;
  if (alg.startsWith("RS") || alg.startsWith("PS")) {
    if (type !== "rsa" && !(alg.startsWith("PS") && type === "rsa-pss")) return `${alg} needs an RSA key, not ${type}`;
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return "RSA keys must have at least 2048 bits";
    const verifyKey = alg.startsWith("PS")
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : key;
    return { alg, key, digest, verifyKey, hmac: false, sigLength: 0 };
  }
  if (alg.startsWith("ES")) {
    if (type !== "ec" || key.asymmetricKeyDetails?.namedCurve !== EC_CURVE[alg]) return `${alg} needs an EC key on ${EC_CURVE[alg]}`;
    return { alg, key, digest, verifyKey: { key, dsaEncoding: "ieee-p1363" }, hmac: false, sigLength: EC_SIG_LENGTH[alg]! };
  }
  if (type !== "ed25519" && type !== "ed448") return `EdDSA needs an Ed25519 or Ed448 key, not ${type}`;
  return { alg, key, digest: null, verifyKey: key, hmac: false, sigLength: type === "ed25519" ? 64 : 114 };
}

/** Prepared keys of a secret/PEM credential, by algorithm (JWKS credentials are prepared when fetched). */
export function prepareCredentialKeys(cred: JwtCredential): Map<string, PreparedKey> | string {
  // One compile checks the keys (checkJwtCredentials) and then builds the consumer directory
  // from the same credential objects: parse each key once.
  let prepared = preparedByCredential.get(cred);
  if (prepared === undefined) {
    prepared = prepareCredentialKeysNow(cred);
    preparedByCredential.set(cred, prepared);
  }
  return prepared;
}

const preparedByCredential = new WeakMap<JwtCredential, Map<string, PreparedKey> | string>();

function prepareCredentialKeysNow(cred: JwtCredential): Map<string, PreparedKey> | string {
  let key: KeyObject;
  try {
    if (cred.secret !== undefined) {
      key = createSecretKey(cred.secret_base64_encoded ? Buffer.from(cred.secret, "base64") : Buffer.from(cred.secret, "utf8"));
    } else if (cred.public_key !== undefined) {
      key = createPublicKey(cred.public_key);
    } else {
      return new Map();
    }
  } catch (e) {
    return `the key can't be read: ${(e as Error).message}`;
  }
  const out = new Map<string, PreparedKey>();
  for (const alg of cred.algorithms) {
    const prepared = prepareKey(alg, key);
    if (typeof prepared === "string") return prepared;
    out.set(alg, prepared);
  }
  return out;
}

/** A JWKS document's keys for the credential's algorithms, by kid ("" for keys without one). */
export function prepareJwks(doc: unknown, algorithms: readonly JwtAlgorithm[]): Map<string, PreparedKey[]> {
  const out = new Map<string, PreparedKey[]>();
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return out;
  for (const jwk of keys as (JsonWebKey & { kid?: unknown; alg?: unknown; use?: unknown })[]) {
    if (typeof jwk !== "object" || jwk === null) continue;
    if (jwk.use !== undefined && jwk.use !== "sig") continue;
    // Only public keys from a JWKS: a symmetric ("oct") key there would let anyone who read it mint tokens.
    if (jwk.kty === "oct") continue;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk, format: "jwk" });
    } catch {
      continue;
    }
    const kid = typeof jwk.kid === "string" ? jwk.kid : "";
    for (const alg of algorithms) {
      if (typeof jwk.alg === "string" && jwk.alg !== alg) continue;
      const prepared = prepareKey(alg, key);
      if (typeof prepared === "string") continue;
      const list = out.get(kid) ?? [];
      list.push(prepared);
      out.set(kid, list);
    }
  }
  return out;
}

/** The field of a credential its key comes from, for error paths. */
export function jwtKeyField(cred: JwtCredential): "secret" | "public_key" | "jwks_url" {
  return cred.secret !== undefined ? "secret" : cred.public_key !== undefined ? "public_key" : "jwks_url";
}

/**
 * Prepares every consumer's secret/PEM JWT keys and throws the first that can't be used (an
 * unreadable PEM, an RSA key under 2048 bits, a key type the algorithm allowlist doesn't take),
 * at e.g. `consumers.0.credentials.jwt.0.public_key`. JWKS keys are checked when fetched.
 */
export function checkJwtCredentials(consumers: readonly Consumer[]): void {
  consumers.forEach((c, i) => {
    c.credentials.jwt.forEach((cred, j) => {
      const prepared = prepareCredentialKeys(cred);
      if (typeof prepared === "string") {
        throw new ConfigCompileError(CompileErrorCode.InvalidCredential, `consumers.${i}.credentials.jwt.${j}.${jwtKeyField(cred)}`, prepared);
      }
    });
  });
}
