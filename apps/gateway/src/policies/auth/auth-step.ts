import { createHash, scrypt, timingSafeEqual } from "node:crypto";
import type { BasicAuthConfig, JwtConfig, KeyAuthConfig, PolicyOf } from "@switchyard/config";
import { GatewayErrors } from "../../errors.ts";
import { resumeAccess } from "../run-access.ts";
import { ANSWERED, CONTINUE, PENDING, type AccessStep, type PolicyRequest, type StepResult } from "../policy-request.ts";
import { sendPolicyError } from "../send-policy-error.ts";
import type { BasicCredential, CompiledConsumer, ConsumerDirectory } from "./consumer-directory.ts";
import { readCookie, readQueryParam, removeQueryParam } from "./read-credential.ts";
import { verifyJwt, type JwtRules, type VerifiedJwt } from "./verify-jwt.ts";
import { wallClock } from "../../event-clock.ts";

/** Outcome of one method: no credential of this kind, a bad one, a good one, or checking (async). */
const ABSENT = 0, INVALID = 1, VALID = 2, CHECKING = 3;
type MethodResult = typeof ABSENT | typeof INVALID | typeof VALID | typeof CHECKING;

interface AuthMethod {
  readonly challenge: string;
  readonly anonymous: string | undefined;
  authenticate(pr: PolicyRequest, step: AuthStep): MethodResult;
}

class KeyAuth implements AuthMethod {
  readonly challenge = 'Key realm="switchyard"';
  readonly anonymous: string | undefined;
  private readonly config: KeyAuthConfig;
  private readonly dir: ConsumerDirectory;
  constructor(config: KeyAuthConfig, dir: ConsumerDirectory) { this.config = config; this.dir = dir; this.anonymous = config.anonymous; }

  authenticate(pr: PolicyRequest): MethodResult {
    const c = this.config;
    let key: string | null = null;
    let fromHeader: string | null = null, fromQuery: string | null = null;
    for (const name of c.key_names) {
      if (c.key_in_header) {
        const v = pr.req.headers[name];
        if (typeof v === "string" && v !== "") { key = v; fromHeader = name; break; }
      }
      if (c.key_in_query && pr.rawQuery !== "") {
        const v = readQueryParam(pr.rawQuery, name);
        if (v !== null && v !== "") { key = v; fromQuery = name; break; }
      }
    }
    if (key === null) return ABSENT;
    const cred = this.dir.keys.get(`sha256:${createHash("sha256").update(key).digest("hex")}`);
    if (cred === undefined) return INVALID;
    pr.consumer = cred.consumer;
    pr.credentialId = cred.id;
    if (c.hide_credentials) {
      if (fromHeader !== null) (pr.dropHeaders ??= []).push(fromHeader);
      if (fromQuery !== null) pr.rawQuery = removeQueryParam(pr.rawQuery, fromQuery);
    }
    return VALID;
  }
}

interface CachedJwt { readonly token: string; readonly verified: VerifiedJwt; readonly headers: string[] | null }
const JWT_CACHE_MAX = 10_000;

class JwtAuth implements AuthMethod {
  readonly challenge = "Bearer";
  readonly anonymous: string | undefined;
  private readonly config: JwtConfig;
  private readonly dir: ConsumerDirectory;
  private readonly rules: JwtRules;
  private readonly claimHeaders: [string, string][];
  /**
   * Verified tokens until they expire: a repeat costs one map lookup instead of a signature check.
   * Keyed by the signature segment: a map lookup hashes its key, and that is a few dozen
   * characters instead of the whole token; a hit counts only when the whole token is the same.
   */
  private readonly cache = new Map<string, CachedJwt>();

  constructor(config: JwtConfig, dir: ConsumerDirectory) {
    this.config = config;
    this.dir = dir;
    this.anonymous = config.anonymous;
    this.rules = {
      keyClaim: config.key_claim_name,
      requireExp: config.claims_to_verify.includes("exp"),
      requireNbf: config.claims_to_verify.includes("nbf"),
      leeway: config.leeway,
      maxExpiration: config.maximum_expiration,
      issuers: config.issuers.length > 0 ? new Set(config.issuers) : null,
      audiences: config.audiences.length > 0 ? new Set(config.audiences) : null,
    };
    this.claimHeaders = Object.entries(config.claims_to_headers);
  }

  authenticate(pr: PolicyRequest): MethodResult {
    const c = this.config;
    let token: string | null = null;
    let where = 0; // 1 header, 2 query, 3 cookie
    let name = "";
    for (const h of c.header_names) {
      const v = pr.req.headers[h];
      if (typeof v === "string" && v !== "") {
        token = v.length > 7 && hasBearerPrefix(v) ? v.slice(7).trim() : v;
        where = 1; name = h;
        break;
      }
    }
    if (token === null && pr.rawQuery !== "") {
      for (const q of c.uri_param_names) {
        const v = readQueryParam(pr.rawQuery, q);
        if (v !== null && v !== "") { token = v; where = 2; name = q; break; }
      }
    }
    if (token === null && c.cookie_names.length > 0) {
      const cookie = pr.req.headers.cookie;
      if (cookie !== undefined) {
        for (const n of c.cookie_names) {
          const v = readCookie(cookie, n);
          if (v !== null && v !== "") { token = v; where = 3; name = n; break; }
        }
      }
    }
    if (token === null) return ABSENT;

    const now = wallClock() / 1000;
    const key = token.slice(token.lastIndexOf(".") + 1);
    let entry = this.cache.get(key);
    if (entry !== undefined && (entry.token !== token || now >= entry.verified.expiresAt)) {
      if (entry.token === token) this.cache.delete(key);
      entry = undefined;
    }
    if (entry === undefined) {
      const result = verifyJwt(token, this.dir, this.rules, now);
      if (typeof result === "string") return INVALID;
      entry = { token, verified: result, headers: this.headersFor(result.claims) };
      // Tokens that aren't valid yet or never expire aren't cached: both need a fresh look each time.
      if (result.expiresAt !== Infinity && result.claims.nbf === undefined) {
        if (this.cache.size >= JWT_CACHE_MAX) this.cache.clear();
        this.cache.set(key, entry);
      }
    }
    const issuer = entry.verified.issuer;
    pr.consumer = issuer.consumer;
    pr.credentialId = issuer.id;
    if (entry.headers !== null) pr.claimHeaders = entry.headers;
    if (c.hide_credentials) {
      if (where === 1) (pr.dropHeaders ??= []).push(name);
      else if (where === 2) pr.rawQuery = removeQueryParam(pr.rawQuery, name);
      // A cookie stays: other cookies in the same header belong to the upstream.
    }
    return VALID;
  }

  private headersFor(claims: Record<string, unknown>): string[] | null {
    if (this.claimHeaders.length === 0) return null;
    const out: string[] = [];
    for (const [claim, header] of this.claimHeaders) {
      const v = claims[claim];
      if (v === undefined || v === null) continue;
      const text = typeof v === "string" ? v : JSON.stringify(v);
      if (/[\r\n\0]/.test(text) || text.length > 8192) continue;
      out.push(header, text);
    }
    return out;
  }
}

/** `v` starts with "bearer " in any letter case (compared in place: no substring per request). */
function hasBearerPrefix(v: string): boolean {
  for (let i = 0; i < 6; i++) if ((v.charCodeAt(i) | 0x20) !== BEARER.charCodeAt(i)) return false;
  return v.charCodeAt(6) === 0x20;
}
const BEARER = "bearer";

interface CachedBasic { readonly cred: BasicCredential; readonly until: number }
const BASIC_CACHE_MS = 60_000;

class BasicAuth implements AuthMethod {
  readonly challenge: string;
  readonly anonymous: string | undefined;
  private readonly config: BasicAuthConfig;
  private readonly dir: ConsumerDirectory;
  /** sha256 of the Authorization value → credential, so scrypt runs once a minute per client, not per request. */
  private readonly verified = new Map<string, CachedBasic>();

  constructor(config: BasicAuthConfig, dir: ConsumerDirectory) {
    this.config = config;
    this.dir = dir;
    this.anonymous = config.anonymous;
    this.challenge = `Basic realm="${config.realm}"`;
  }

  authenticate(pr: PolicyRequest, step: AuthStep): MethodResult {
    const header = pr.req.headers.authorization;
    if (header === undefined || header.length < 7 || header.slice(0, 6).toLowerCase() !== "basic ") return ABSENT;
    const digest = createHash("sha256").update(header).digest("base64");
    const hit = this.verified.get(digest);
    if (hit !== undefined && hit.until > Date.now()) return this.accept(pr, hit.cred);
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) return INVALID;
    const cred = this.dir.basic.get(decoded.slice(0, colon));
    if (cred === undefined) return INVALID;
    const parts = cred.passwordHash.split("$");
    const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
    const salt = Buffer.from(parts[4]!, "base64");
    const expected = Buffer.from(parts[5]!, "base64");
    // scrypt off the event loop: a slow hash must not stall the worker's other requests.
    scrypt(decoded.slice(colon + 1), salt, expected.length, { N: n, r, p, maxmem: 256 * n * r + 1_048_576 }, (err, actual) => {
      if (err === null && timingSafeEqual(actual, expected)) {
        if (this.verified.size >= 10_000) this.verified.clear();
        this.verified.set(digest, { cred, until: Date.now() + BASIC_CACHE_MS });
        this.accept(pr, cred);
        step.finish(pr, VALID, this);
      } else {
        step.finish(pr, INVALID, this);
      }
    });
    return CHECKING;
  }

  private accept(pr: PolicyRequest, cred: BasicCredential): MethodResult {
    pr.consumer = cred.consumer;
    pr.credentialId = cred.id;
    if (this.config.hide_credentials) (pr.dropHeaders ??= []).push("authorization");
    return VALID;
  }
}

export type AuthPolicy = PolicyOf<"key-auth"> | PolicyOf<"jwt"> | PolicyOf<"basic-auth">;

/**
 * All authentication policies that apply to a request, as one step: the first method that
 * finds its kind of credential decides (valid → that consumer, invalid → 401); with no
 * credential at all, the anonymous consumer if one is configured, else 401.
 */
export class AuthStep implements AccessStep {
  private readonly methods: AuthMethod[];
  private readonly anonymous: CompiledConsumer | null;
  private readonly challenge: string[];
  /** Policy names aligned with methods, and all of them (a request without any credential), for metrics. */
  private readonly names: string[];
  private readonly allNames: string;

  constructor(policies: readonly AuthPolicy[], dir: ConsumerDirectory) {
    this.methods = policies.map((p) =>
      p.type === "key-auth" ? new KeyAuth(p.config, dir) : p.type === "jwt" ? new JwtAuth(p.config, dir) : new BasicAuth(p.config, dir));
    this.names = policies.map((p) => p.name);
    this.allNames = this.names.join("+");
    const anon = this.methods.find((m) => m.anonymous !== undefined)?.anonymous;
    this.anonymous = anon === undefined ? null : dir.byName.get(anon) ?? null;
    this.challenge = ["www-authenticate", this.methods[0]!.challenge];
  }

  run(pr: PolicyRequest): StepResult {
    for (const method of this.methods) {
      const result = method.authenticate(pr, this);
      if (result === ABSENT) continue;
      if (result === CHECKING) return PENDING;
      return this.decide(pr, result, method);
    }
    if (this.anonymous !== null) {
      pr.consumer = this.anonymous;
      pr.anonymous = true;
      return CONTINUE;
    }
    pr.deniedBy = this.allNames;
    pr.denyReason = "missing";
    sendPolicyError(pr, GatewayErrors.UNAUTHORIZED, this.challenge);
    return ANSWERED;
  }

  private decide(pr: PolicyRequest, result: MethodResult, method: AuthMethod): StepResult {
    if (result === VALID) return CONTINUE;
    pr.deniedBy = this.names[this.methods.indexOf(method)] ?? this.allNames;
    pr.denyReason = "invalid";
    sendPolicyError(pr, GatewayErrors.UNAUTHORIZED, ["www-authenticate", method.challenge], "Invalid credentials");
    return ANSWERED;
  }

  /** An async method (basic-auth's scrypt) finished. */
  finish(pr: PolicyRequest, result: MethodResult, method: AuthMethod): void {
    if (pr.res.destroyed) return;
    if (this.decide(pr, result, method) === CONTINUE) resumeAccess(pr);
  }
}
