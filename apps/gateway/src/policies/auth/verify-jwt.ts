import { createHmac, timingSafeEqual, verify } from "node:crypto";
import type { ConsumerDirectory, JwtIssuer } from "./consumer-directory.ts";
import type { PreparedKey } from "@switchyard/routing";

/** What a JWT policy checks, compiled from its config. */
export interface JwtRules {
  readonly keyClaim: string;
  readonly requireExp: boolean;
  readonly requireNbf: boolean;
  readonly leeway: number;
  readonly maxExpiration: number;
  readonly issuers: ReadonlySet<string> | null;
  readonly audiences: ReadonlySet<string> | null;
}

export interface VerifiedJwt {
  readonly issuer: JwtIssuer;
  readonly claims: Record<string, unknown>;
  /** Seconds since the epoch after which the token is no longer accepted (Infinity: no exp). */
  readonly expiresAt: number;
}

/** Why a token was refused; logged by reason, never echoed with the token. */
export type JwtFailure =
  | "malformed" | "bad-header" | "alg-not-allowed" | "crit" | "no-key-claim" | "unknown-issuer"
  | "unknown-kid" | "bad-signature" | "expired" | "missing-exp" | "not-yet-valid" | "missing-nbf"
  | "exp-too-far" | "bad-iss" | "bad-aud";

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodeJson(part: string): Record<string, unknown> | null {
  if (!B64URL.test(part)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Verifies a compact JWS. The algorithm must be on the issuer's allowlist (so "none" in any
 * spelling, or HS256 against an RSA key, never verifies); the key comes from the issuer found by
 * the key claim, and for JWKS issuers from `kid` among keys fetched from the configured URL.
 * Header members that point elsewhere (jku, x5u, jwk, x5c) are ignored: they are never fetched
 * or used. `now` is seconds since the epoch.
 */
export function verifyJwt(token: string, dir: ConsumerDirectory, rules: JwtRules, now: number): VerifiedJwt | JwtFailure {
  if (token.length > 16_384) return "malformed";
  const d1 = token.indexOf(".");
  const d2 = d1 === -1 ? -1 : token.indexOf(".", d1 + 1);
  if (d1 <= 0 || d2 === -1 || token.indexOf(".", d2 + 1) !== -1) return "malformed";
  const header = decodeJson(token.slice(0, d1));
  if (header === null) return "bad-header";
  const alg = header.alg;
  if (typeof alg !== "string") return "bad-header";
  // Extensions we don't understand must make the token invalid (RFC 7515 4.1.11), b64:false included.
  if (header.crit !== undefined || header.b64 !== undefined) return "crit";
  const claims = decodeJson(token.slice(d1 + 1, d2));
  if (claims === null) return "malformed";
  const keyValue = claims[rules.keyClaim] ?? (rules.keyClaim === "iss" ? undefined : header[rules.keyClaim]);
  if (typeof keyValue !== "string") return "no-key-claim";
  const issuer = dir.jwt.get(keyValue);
  if (issuer === undefined) return "unknown-issuer";
  if (!issuer.algorithms.has(alg as never)) return "alg-not-allowed";

  const sigText = token.slice(d2 + 1);
  if (!B64URL.test(sigText) || sigText.length === 0) return "bad-signature";
  const signature = Buffer.from(sigText, "base64url");
  const signingInput = token.slice(0, d2);
  let ok = false;
  if (issuer.jwksUrl === null) {
    const key = issuer.keys.get(alg);
    if (key === undefined) return "alg-not-allowed";
    ok = check(key, signingInput, signature);
  } else {
    const kid = typeof header.kid === "string" ? header.kid : "";
    const candidates = issuer.jwks?.get(kid);
    if (candidates === undefined) return "unknown-kid";
    for (const key of candidates) if (key.alg === alg && check(key, signingInput, signature)) { ok = true; break; }
  }
  if (!ok) return "bad-signature";

  const exp = claims.exp;
  if (exp !== undefined && typeof exp !== "number") return "expired";
  if (exp === undefined && rules.requireExp) return "missing-exp";
  if (typeof exp === "number" && now - rules.leeway >= exp) return "expired";
  if (typeof exp === "number" && rules.maxExpiration > 0 && exp - now > rules.maxExpiration) return "exp-too-far";
  const nbf = claims.nbf;
  if (nbf !== undefined && typeof nbf !== "number") return "not-yet-valid";
  if (nbf === undefined && rules.requireNbf) return "missing-nbf";
  if (typeof nbf === "number" && nbf > now + rules.leeway) return "not-yet-valid";
  if (rules.issuers !== null && !(typeof claims.iss === "string" && rules.issuers.has(claims.iss))) return "bad-iss";
  if (rules.audiences !== null && !audienceMatches(claims.aud, rules.audiences)) return "bad-aud";
  return { issuer, claims, expiresAt: typeof exp === "number" ? exp + rules.leeway : Infinity };
}

function audienceMatches(aud: unknown, allowed: ReadonlySet<string>): boolean {
  if (typeof aud === "string") return allowed.has(aud);
  if (Array.isArray(aud)) return aud.some((a) => typeof a === "string" && allowed.has(a));
  return false;
}

function check(key: PreparedKey, input: string, signature: Buffer): boolean {
  if (key.sigLength !== 0 && signature.length !== key.sigLength) return false;
  if (key.hmac) {
    const mac = createHmac(key.digest!, key.key).update(input).digest();
    return timingSafeEqual(mac, signature);
  }
  try {
    return verify(key.digest, Buffer.from(input), key.verifyKey, signature);
  } catch {
    return false;
  }
}
