import type { PolicyInput } from "../policies/policy.ts";
import type { RouteInput } from "../route.ts";
import { asArray, asString, isObject, warnUnknown, type Doc } from "./import-types.ts";
import { istioDurationMs } from "./istio-duration.ts";

type RuleInput = RouteInput["rules"][number];
type CorsInput = Extract<PolicyInput, { type: "cors" }>["config"];

/** Headers the gateway manages itself; our schema refuses to transform them. */
const MANAGED_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection", "upgrade", "keep-alive", "te", "trailer"]);
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/**
 * The per-entry actions of an Istio HTTPRoute that a rule of ours can carry: rewrite, headers,
 * mirror / mirrorPercentage, redirect and directResponse. `ensureService` registers a mirror
 * host as a service, as destinations do.
 */
export function importHttpActions(entry: Doc, where: string, warnings: string[], ensureService: (host: string) => string): Partial<RuleInput> {
  const out: Partial<RuleInput> = {};
  if (isObject(entry.rewrite)) {
    const r = entry.rewrite;
    warnUnknown(r, ["uri", "authority", "uriRegexRewrite"], `${where}.rewrite`, warnings);
    const rewrite: NonNullable<RuleInput["rewrite"]> = {};
    if (asString(r.uri) !== undefined) rewrite.uri = asString(r.uri)!;
    if (asString(r.authority) !== undefined) rewrite.authority = asString(r.authority)!;
    if (isObject(r.uriRegexRewrite) && asString(r.uriRegexRewrite.match) !== undefined) {
      rewrite.uriRegexRewrite = { match: asString(r.uriRegexRewrite.match)!, rewrite: asString(r.uriRegexRewrite.rewrite) ?? "" };
    }
    if (Object.keys(rewrite).length) out.rewrite = rewrite;
  }
  if (isObject(entry.headers)) {
    warnUnknown(entry.headers, ["request", "response"], `${where}.headers`, warnings);
    const headers: NonNullable<RuleInput["headers"]> = {};
    for (const side of ["request", "response"] as const) {
      const ops = entry.headers[side];
      if (isObject(ops)) {
        const converted = headerOperations(ops, `${where}.headers.${side}`, warnings);
        if (converted) headers[side] = converted;
      }
    }
    if (Object.keys(headers).length) out.headers = headers;
  }
  const mirrors = [...(isObject(entry.mirror) ? [{ destination: entry.mirror, percentage: mirrorPercent(entry) }] : []), ...asArray(entry.mirrors).filter(isObject).map((m) => ({ destination: m.destination, percentage: mirrorPercent(m) }))];
  if (mirrors.length > 1) warnings.push(`${where}: only one mirror is supported; the first was imported`);
  const first = mirrors[0];
  if (first && isObject(first.destination) && asString(first.destination.host)) {
    const d = first.destination;
    if (d.port !== undefined) warnings.push(`${where}.mirror: "port" is not supported (mirrors go to the service's targets) and was not imported`);
    out.mirror = { service: ensureService(asString(d.host)!), ...(asString(d.subset) ? { subset: asString(d.subset)! } : {}), ...(first.percentage !== undefined ? { percentage: first.percentage } : {}) };
  }
  if (isObject(entry.redirect)) {
    const r = entry.redirect;
    warnUnknown(r, ["uri", "authority", "scheme", "port", "redirectCode"], `${where}.redirect`, warnings);
    const code = typeof r.redirectCode === "number" ? r.redirectCode : 301;
    if (!REDIRECT_CODES.has(code)) warnings.push(`${where}.redirect: redirectCode ${code} is not supported; 301 is used`);
    out.redirect = {
      ...(asString(r.uri) ? { uri: asString(r.uri)! } : {}),
      ...(asString(r.authority) ? { authority: asString(r.authority)! } : {}),
      ...(asString(r.scheme) === "http" || asString(r.scheme) === "https" ? { scheme: asString(r.scheme) as "http" | "https" } : {}),
      ...(typeof r.port === "number" ? { port: r.port } : {}),
      redirectCode: (REDIRECT_CODES.has(code) ? code : 301) as 301,
    };
  }
  if (isObject(entry.directResponse) && typeof entry.directResponse.status === "number") {
    const body = isObject(entry.directResponse.body) ? entry.directResponse.body : {};
    if (body.bytes !== undefined) warnings.push(`${where}.directResponse: a "bytes" body is not supported; only "string" bodies were imported`);
    out.directResponse = { status: entry.directResponse.status, ...(asString(body.string) !== undefined ? { body: asString(body.string)! } : {}) };
  }
  if (isObject(entry.fault)) {
    const fault = importFault(entry.fault, `${where}.fault`, warnings);
    if (fault) out.fault = fault;
  }
  return out;
}

/** Istio HTTPFaultInjection: delay (fixedDelay) and abort (httpStatus or grpcStatus), each with its percentage. */
function importFault(f: Doc, where: string, warnings: string[]): RuleInput["fault"] | null {
  warnUnknown(f, ["delay", "abort"], where, warnings);
  const out: NonNullable<RuleInput["fault"]> = {};
  if (isObject(f.delay)) {
    warnUnknown(f.delay, ["fixedDelay", "percentage", "percent"], `${where}.delay`, warnings);
    const fixedDelayMs = istioDurationMs(f.delay.fixedDelay, `${where}.delay.fixedDelay`, warnings);
    if (fixedDelayMs === undefined) warnings.push(`${where}.delay: no fixedDelay; not imported`);
    else out.delay = { fixedDelayMs, ...faultPercentage(f.delay) };
  }
  if (isObject(f.abort)) {
    warnUnknown(f.abort, ["httpStatus", "grpcStatus", "http2Error", "percentage", "percent"], `${where}.abort`, warnings);
    if (typeof f.abort.httpStatus === "number") out.abort = { httpStatus: f.abort.httpStatus, ...faultPercentage(f.abort) };
    else if (asString(f.abort.grpcStatus) !== undefined) out.abort = { grpcStatus: asString(f.abort.grpcStatus)!, ...faultPercentage(f.abort) };
    else warnings.push(`${where}.abort: only httpStatus and grpcStatus aborts are supported; not imported`);
  }
  return out.delay || out.abort ? out : null;
}

/** A fault's percentage {value} (or the older integer percent); unset means 100, as Istio's translation has it. */
function faultPercentage(d: Doc): { percentage?: number } {
  if (isObject(d.percentage) && typeof d.percentage.value === "number") return { percentage: d.percentage.value };
  return typeof d.percent === "number" ? { percentage: d.percent } : {};
}

/** Istio mirrorPercentage {value} (or the older integer mirrorPercent); unset means 100. */
function mirrorPercent(m: Doc): number | undefined {
  if (isObject(m.mirrorPercentage) && typeof m.mirrorPercentage.value === "number") return m.mirrorPercentage.value;
  if (isObject(m.percentage) && typeof m.percentage.value === "number") return m.percentage.value;
  return typeof m.mirrorPercent === "number" ? m.mirrorPercent : undefined;
}

function headerOperations(ops: Doc, where: string, warnings: string[]): { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] } | null {
  warnUnknown(ops, ["set", "add", "remove"], where, warnings);
  const keep = (name: string): boolean => {
    if (!MANAGED_HEADERS.has(name.toLowerCase())) return true;
    warnings.push(`${where}: header "${name}" is managed by the gateway; not imported`);
    return false;
  };
  const out: { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] } = {};
  for (const op of ["set", "add"] as const) {
    const v = ops[op];
    if (!isObject(v)) continue;
    const entries = Object.entries(v).filter(([k]) => keep(k)).map(([k, x]) => [k, String(x)]);
    if (entries.length) out[op] = Object.fromEntries(entries);
  }
  const remove = asArray(ops.remove).map(asString).filter((h): h is string => !!h && keep(h));
  if (remove.length) out.remove = remove;
  return Object.keys(out).length ? out : null;
}

/**
 * Istio CorsPolicy → our cors policy config (attached to the route by the caller). Origin
 * StringMatches become exact origins or "~" regexes, anchored as Istio's full-match regexes are.
 */
export function importCorsPolicy(cors: Doc, where: string, warnings: string[]): CorsInput {
  warnUnknown(cors, ["allowOrigins", "allowOrigin", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge", "allowCredentials"], where, warnings);
  const origins: string[] = [];
  for (const o of asArray(cors.allowOrigins)) {
    if (!isObject(o)) continue;
    if (typeof o.exact === "string") origins.push(o.exact);
    else if (typeof o.prefix === "string") origins.push(`~^${o.prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
    else if (typeof o.regex === "string") origins.push(`~^(?:${o.regex})$`);
    else warnings.push(`${where}: allowOrigins entry ${JSON.stringify(o)} is not supported; not imported`);
  }
  for (const o of asArray(cors.allowOrigin)) if (typeof o === "string") origins.push(o);
  const methods = asArray(cors.allowMethods).map((m) => String(m).toUpperCase());
  for (const m of methods) if (!METHODS.has(m)) warnings.push(`${where}: method ${m} is not supported; not imported`);
  const headerList = (v: unknown) => asArray(v).map(asString).filter((h): h is string => !!h).map((h) => h.toLowerCase());
  const out: CorsInput = {
    // Always set: with no origins listed Istio allows none, and so does an empty list (our default is "*").
    origins,
    ...(methods.length ? { methods: methods.filter((m) => METHODS.has(m)) as NonNullable<CorsInput>["methods"] } : {}),
    ...(cors.allowHeaders !== undefined ? { headers: headerList(cors.allowHeaders) } : {}),
    ...(cors.exposeHeaders !== undefined ? { exposed_headers: headerList(cors.exposeHeaders) } : {}),
    ...(typeof cors.allowCredentials === "boolean" ? { credentials: cors.allowCredentials } : {}),
  };
  const maxAgeMs = istioDurationMs(cors.maxAge, `${where}.maxAge`, warnings);
  if (maxAgeMs !== undefined) {
    const seconds = Math.floor(maxAgeMs / 1000);
    if (seconds > 86_400) warnings.push(`${where}: maxAge is capped at 24h`);
    out!.max_age = Math.min(seconds, 86_400);
  }
  return out;
}
