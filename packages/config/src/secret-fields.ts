import type { FieldError } from "./issues.ts";

/**
 * What a secret reads as for users who may not see it (the viewer role). A config carrying it
 * was read by such a user; applying it is refused rather than storing a broken credential.
 */
export const REDACTED_SECRET = "<redacted>";

/** A path step: an object key, or every element of an array / entry of a record that passes `where`. */
type Step = string | { each: ((key: string, value: unknown) => boolean) | null };

/**
 * value: the whole string is the secret. url-credentials: a URL whose userinfo (and `password`
 * query parameter) is the secret; the rest of it (host, port, database) stays readable.
 */
export type SecretKind = "value" | "url-credentials";

export interface SecretField {
  path: readonly Step[];
  kind: SecretKind;
  /** What to give instead, for the refusal of a redacted value. */
  hint: string;
}

const each = (where: ((key: string, value: unknown) => boolean) | null = null): Step => ({ each: where });
const ofType = (type: string) => each((_, policy) => isRecord(policy) && policy.type === type);
const among = (...keys: string[]) => each((key) => keys.includes(key));

/**
 * Request headers that carry credentials to the upstream (Authorization: Bearer …, X-Api-Key, a
 * session cookie). Response headers go to every client, so they are not secrets.
 */
export function isCredentialHeader(name: string): boolean {
  return /^(proxy-)?authorization$|^cookie$|token|secret|passw|api[-_]?key|(^|[-_])key($|[-_])|credential|session|signature/i.test(name);
}
const credentialHeaders = each((name) => isCredentialHeader(name));

/**
 * Every secret of a config, in one table: `redactSecrets` replaces them for viewers, and
 * `redactedSecretIssues` (run by GatewayConfigSchema) refuses a config that carries a redacted
 * one, so the two can't disagree on what is secret. Hashes count: a basic-auth scrypt hash can be
 * attacked offline, and a key hash identifies the key.
 */
export const SECRET_FIELDS: readonly SecretField[] = [
  { path: ["certificates", each(), "key"], kind: "value", hint: "give the PEM private key" },
  { path: ["services", each(), "trafficPolicy", "tls", "privateKey"], kind: "value", hint: "give the client certificate's PEM private key" },
  { path: ["services", each(), "subsets", each(), "trafficPolicy", "tls", "privateKey"], kind: "value", hint: "give the client certificate's PEM private key" },
  { path: ["consumers", each(), "credentials", "jwt", each(), "secret"], kind: "value", hint: "give the HMAC secret" },
  { path: ["consumers", each(), "credentials", "basic_auth", each(), "password_hash"], kind: "value", hint: "give the scrypt hash, or add the credential again with its password" },
  { path: ["consumers", each(), "credentials", "key_auth", each(), "key_hash"], kind: "value", hint: "give the key's sha256 hash, or create a new key" },
  { path: ["settings", "tracing", "otlp", "headers", each()], kind: "value", hint: "give the header's value" },
  { path: ["policies", ofType("rate-limit"), "config", "redis", "password"], kind: "value", hint: "give the Redis password" },
  { path: ["policies", ofType("rate-limit"), "config", "redis", "url"], kind: "url-credentials", hint: "give the URL with its credentials" },
  { path: ["policies", ofType("request-transformer"), "config", "headers", among("replace", "add", "append", "set"), credentialHeaders], kind: "value", hint: "give the header's value" },
  { path: ["routes", each(), "rules", each(), "headers", "request", among("set", "add"), credentialHeaders], kind: "value", hint: "give the header's value" },
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A copy of `record` with `key` set as an own property (a header named __proto__ stays data). */
function withEntry(record: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...record };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** `path` is the walker's own stack: copy it to keep it. */
type Visit = (value: string, path: readonly (string | number)[]) => string;

/**
 * Calls `visit` on every string at `steps` under `node`; returns `node` itself when nothing was
 * replaced, else a copy with the replacements (untouched branches shared). Shapes that don't
 * match (a config that failed other checks) are skipped, never thrown on.
 */
function mapAt(node: unknown, steps: readonly Step[], i: number, path: (string | number)[], visit: Visit): unknown {
  if (i === steps.length) return typeof node === "string" ? visit(node, path) : node;
  const step = steps[i]!;
  if (typeof step === "string") {
    if (!isRecord(node) || !Object.hasOwn(node, step)) return node;
    const child = node[step];
    path.push(step);
    const next = mapAt(child, steps, i + 1, path, visit);
    path.pop();
    return next === child ? node : withEntry(node, step, next);
  }
  if (Array.isArray(node)) {
    let out: unknown[] | null = null;
    node.forEach((item, k) => {
      if (step.each && !step.each(String(k), item)) return;
      path.push(k);
      const next = mapAt(item, steps, i + 1, path, visit);
      path.pop();
      if (next !== item) (out ??= [...node])[k] = next;
    });
    return out ?? node;
  }
  if (isRecord(node)) {
    let out: Record<string, unknown> | null = null;
    for (const key of Object.keys(node)) {
      const item = node[key];
      if (step.each && !step.each(key, item)) continue;
      path.push(key);
      const next = mapAt(item, steps, i + 1, path, visit);
      path.pop();
      if (next !== item) out = withEntry(out ?? node, key, next);
    }
    return out ?? node;
  }
  return node;
}

function mapSecrets<T>(config: T, visit: (value: string, path: readonly (string | number)[], field: SecretField) => string): T {
  let out: unknown = config;
  for (const field of SECRET_FIELDS) out = mapAt(out, field.path, 0, [], (value, path) => visit(value, path, field));
  return out as T;
}

const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i;
const URL_PASSWORD_PARAM = /([?&]password=)[^&#]*/gi;

function redactValue(value: string, kind: SecretKind): string {
  if (kind === "value") return value === "" ? value : REDACTED_SECRET;
  return value.replace(URL_USERINFO, `$1${REDACTED_SECRET}@`).replace(URL_PASSWORD_PARAM, `$1${REDACTED_SECRET}`);
}

function isRedacted(value: string, kind: SecretKind): boolean {
  return kind === "value" ? value.trim() === REDACTED_SECRET : value.includes(REDACTED_SECRET);
}

/** The config with every secret of SECRET_FIELDS replaced by REDACTED_SECRET (a copy; the input is not changed). */
export function redactSecrets<T>(config: T): T {
  return mapSecrets(config, (value, _path, field) => redactValue(value, field.kind));
}

/** Field errors for every secret that reads as redacted: such a config came from a viewer's read. */
export function redactedSecretIssues(config: unknown): (FieldError & { segments: (string | number)[] })[] {
  const issues: (FieldError & { segments: (string | number)[] })[] = [];
  mapSecrets(config, (value, path, field) => {
    if (isRedacted(value, field.kind)) {
      issues.push({ path: path.join("."), segments: [...path], message: `This value was redacted when the config was read (viewers never see secrets); ${field.hint}` });
    }
    return value;
  });
  return issues;
}
