import type { ServiceInput } from "../service.ts";
import { isObject, asString, warnUnknown, type Doc, type ImportFileReader } from "./import-types.ts";
import { istioDurationMs } from "./istio-duration.ts";

type TrafficPolicyInput = NonNullable<ServiceInput["trafficPolicy"]>;

const SIMPLE_LB: Record<string, "round-robin" | "least-request" | "random"> = { ROUND_ROBIN: "round-robin", LEAST_REQUEST: "least-request", LEAST_CONN: "least-request", RANDOM: "random" };
const MAX_LIMIT = 4_294_967_295;

/**
 * Istio DestinationRule TrafficPolicy → ours: loadBalancer (simple, consistentHash),
 * connectionPool, outlierDetection, tls. Durations become milliseconds; whatever has no
 * counterpart (portLevelSettings, localityLbSetting, …) is named in a warning.
 */
export function importTrafficPolicy(policy: Doc, where: string, warnings: string[], readFile?: ImportFileReader): TrafficPolicyInput | undefined {
  warnUnknown(policy, ["loadBalancer", "connectionPool", "outlierDetection", "tls"], where, warnings);
  const out: TrafficPolicyInput = {};
  if (isObject(policy.loadBalancer)) {
    const lb = importLoadBalancer(policy.loadBalancer, `${where}.loadBalancer`, warnings);
    if (lb) out.loadBalancer = lb;
  }
  if (isObject(policy.connectionPool)) {
    const { pool, idleMs } = importConnectionPool(policy.connectionPool, `${where}.connectionPool`, warnings);
    if (pool) out.connectionPool = pool;
    if (idleMs !== undefined) out.timeouts = { idleMs };
  }
  if (isObject(policy.outlierDetection)) out.outlierDetection = importOutlierDetection(policy.outlierDetection, `${where}.outlierDetection`, warnings);
  if (isObject(policy.tls)) {
    const tls = importTls(policy.tls, `${where}.tls`, warnings, readFile);
    if (tls) out.tls = tls;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * ClientTLSSettings → ours. Istio names files for the CA bundle and MUTUAL's client certificate
 * and key; with a file reader (the CLI, a gateway's --config) their PEM is read and carried
 * inline, as our config holds it (a copy: a rotated file needs importing again). Without one, or
 * when a file can't be read, MUTUAL becomes SIMPLE and the system CAs are trusted, each with a
 * warning: never plain text. ISTIO_MUTUAL (certificates from Istio's mesh CA) and credentialName
 * (a Kubernetes secret) can't be had here at all.
 */
function importTls(tls: Doc, where: string, warnings: string[], readFile?: ImportFileReader): TrafficPolicyInput["tls"] {
  warnUnknown(tls, ["mode", "sni", "insecureSkipVerify", "subjectAltNames", "caCertificates", "credentialName", "clientCertificate", "privateKey", "caCrl"], where, warnings);
  const mode = asString(tls.mode) ?? "DISABLE";
  if (mode === "DISABLE") return { mode: "DISABLE" };
  const read = (field: string): string | undefined => {
    const file = asString(tls[field]);
    if (file === undefined || readFile === undefined) return undefined;
    try {
      return readFile(file);
    } catch (e) {
      warnings.push(`${where}: ${field} ${JSON.stringify(file)} could not be read (${(e as { code?: string }).code ?? (e as Error).message})`);
      return undefined;
    }
  };
  let client: { clientCertificate: string; privateKey: string } | null = null;
  if (mode === "MUTUAL") {
    const clientCertificate = read("clientCertificate"), privateKey = read("privateKey");
    if (clientCertificate !== undefined && privateKey !== undefined) client = { clientCertificate, privateKey };
    else if (readFile === undefined) warnings.push(`${where}: mode MUTUAL is imported as SIMPLE: its client certificate files can't be read from here, so an upstream that requires one will refuse the handshake (import with the CLI beside the files, or set clientCertificate and privateKey as PEM text)`);
    else warnings.push(`${where}: mode MUTUAL is imported as SIMPLE: it needs both clientCertificate and privateKey files, so an upstream that requires a client certificate will refuse the handshake`);
  } else if (mode === "ISTIO_MUTUAL") {
    warnings.push(`${where}: mode ISTIO_MUTUAL is imported as SIMPLE: its client certificate comes from Istio's mesh CA, which the gateway has no part in (set mode MUTUAL with a certificate the upstream trusts)`);
  } else if (mode !== "SIMPLE") {
    warnings.push(`${where}: mode ${JSON.stringify(tls.mode)} is not DISABLE, SIMPLE, MUTUAL or ISTIO_MUTUAL; imported as SIMPLE`);
  }
  const caCertificates = read("caCertificates");
  if (tls.caCertificates !== undefined && caCertificates === undefined && readFile === undefined) {
    warnings.push(`${where}: caCertificates names a file (${JSON.stringify(tls.caCertificates)}), which can't be read from here; the system CAs are trusted (import with the CLI beside the file, or paste the PEM into trafficPolicy.tls.caCertificates)`);
  } else if (tls.caCertificates !== undefined && caCertificates === undefined) {
    warnings.push(`${where}: the system CAs are trusted instead`);
  }
  if (mode !== "MUTUAL") for (const f of ["clientCertificate", "privateKey"]) if (tls[f] !== undefined) warnings.push(`${where}: "${f}" is only used with mode MUTUAL and was not imported`);
  for (const f of ["credentialName", "caCrl"]) if (tls[f] !== undefined) warnings.push(`${where}: "${f}" is not supported and was not imported`);
  const sni = asString(tls.sni);
  const sans = Array.isArray(tls.subjectAltNames) ? tls.subjectAltNames.map(String).filter((n) => n !== "") : [];
  return {
    mode: client === null ? "SIMPLE" : "MUTUAL",
    ...(client ?? {}),
    ...(caCertificates !== undefined ? { caCertificates } : {}),
    ...(sni ? { sni } : {}),
    ...(tls.insecureSkipVerify === true ? { insecureSkipVerify: true } : {}),
    ...(sans.length ? { subjectAltNames: sans } : {}),
  };
}

function importLoadBalancer(lb: Doc, where: string, warnings: string[]): TrafficPolicyInput["loadBalancer"] {
  warnUnknown(lb, ["simple", "consistentHash"], where, warnings);
  const simple = asString(lb.simple);
  if (simple !== undefined && !isObject(lb.consistentHash)) {
    if (SIMPLE_LB[simple]) return { type: SIMPLE_LB[simple] };
    warnings.push(`${where}: simple ${simple} is not supported; the default (round-robin) applies`);
    return undefined;
  }
  if (!isObject(lb.consistentHash)) return undefined;
  const h = lb.consistentHash;
  const hw = `${where}.consistentHash`;
  warnUnknown(h, ["httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName", "ringHash", "maglev", "minimumRingSize"], hw, warnings);
  for (const ignored of ["minimumRingSize"]) if (h[ignored] !== undefined) warnings.push(`${hw}: "${ignored}" is not supported (the ring size is fixed) and was not imported`);
  if (isObject(h.ringHash) && Object.keys(h.ringHash).length) warnings.push(`${hw}.ringHash: the ring size is fixed; its settings were not imported`);
  if (isObject(h.maglev) && Object.keys(h.maglev).length) warnings.push(`${hw}.maglev: the table size is fixed; its settings were not imported`);
  const algorithm = isObject(h.maglev) ? "maglev" as const : "ring" as const;
  let key: Record<string, unknown> | null = null;
  if (asString(h.httpHeaderName)) key = { httpHeaderName: asString(h.httpHeaderName) };
  else if (isObject(h.httpCookie) && asString(h.httpCookie.name)) {
    key = { httpCookie: { name: asString(h.httpCookie.name) } };
    // Envoy mints the cookie when ttl is set; we only hash a cookie the client already sends.
    for (const f of ["path", "ttl", "attributes"]) if (h.httpCookie[f] !== undefined) warnings.push(`${hw}.httpCookie: "${f}" is not supported (no cookie is generated) and was not imported`);
  } else if (h.useSourceIp === true) key = { useSourceIp: true };
  else if (asString(h.httpQueryParameterName)) key = { httpQueryParameterName: asString(h.httpQueryParameterName) };
  if (key === null) {
    warnings.push(`${hw}: no hash key this gateway supports; the default (round-robin) applies`);
    return undefined;
  }
  return { type: "consistent-hash", consistentHash: { ...key, algorithm } };
}

function limit(v: unknown, where: string, field: string, warnings: string[]): number | undefined {
  if (v === undefined) return undefined;
  // Istio treats 0 (and a missing value) as "no limit".
  if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= MAX_LIMIT) return v;
  if (v !== 0) warnings.push(`${where}: ${field} ${JSON.stringify(v)} is not a limit; not imported`);
  return undefined;
}

function importConnectionPool(cp: Doc, where: string, warnings: string[]): { pool: TrafficPolicyInput["connectionPool"]; idleMs: number | undefined } {
  warnUnknown(cp, ["tcp", "http"], where, warnings);
  const pool: NonNullable<TrafficPolicyInput["connectionPool"]> = {};
  let idleMs: number | undefined;
  if (isObject(cp.tcp)) {
    const tw = `${where}.tcp`;
    warnUnknown(cp.tcp, ["maxConnections", "connectTimeout"], tw, warnings);
    const maxConnections = limit(cp.tcp.maxConnections, tw, "maxConnections", warnings);
    const connectTimeoutMs = istioDurationMs(cp.tcp.connectTimeout, `${tw}.connectTimeout`, warnings);
    const tcp = { ...(maxConnections !== undefined ? { maxConnections } : {}), ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}) };
    if (Object.keys(tcp).length) pool.tcp = tcp;
  }
  if (isObject(cp.http)) {
    const hw = `${where}.http`;
    warnUnknown(cp.http, ["http1MaxPendingRequests", "http2MaxRequests", "maxRequestsPerConnection", "maxConcurrentStreams", "idleTimeout", "h2UpgradePolicy"], hw, warnings);
    const http: Record<string, number | string> = {};
    for (const f of ["http1MaxPendingRequests", "http2MaxRequests", "maxRequestsPerConnection", "maxConcurrentStreams"] as const) {
      const n = limit(cp.http[f], hw, f, warnings);
      if (n !== undefined) http[f] = n;
    }
    const upgrade = cp.http.h2UpgradePolicy;
    if (upgrade === "DEFAULT" || upgrade === "DO_NOT_UPGRADE" || upgrade === "UPGRADE") http.h2UpgradePolicy = upgrade;
    else if (upgrade !== undefined) warnings.push(`${hw}: h2UpgradePolicy ${JSON.stringify(upgrade)} is not DEFAULT, DO_NOT_UPGRADE or UPGRADE; not imported`);
    if (Object.keys(http).length) pool.http = http;
    // Istio: how long a pooled upstream connection may sit without requests; ours is timeouts.idleMs.
    idleMs = istioDurationMs(cp.http.idleTimeout, `${hw}.idleTimeout`, warnings);
  }
  return { pool: Object.keys(pool).length ? pool : undefined, idleMs };
}

function importOutlierDetection(od: Doc, where: string, warnings: string[]): NonNullable<TrafficPolicyInput["outlierDetection"]> {
  warnUnknown(od, ["consecutive5xxErrors", "consecutiveGatewayErrors", "interval", "baseEjectionTime", "maxEjectionPercent", "minHealthPercent"], where, warnings);
  const out: NonNullable<TrafficPolicyInput["outlierDetection"]> = {};
  const count = (v: unknown, field: string, min: number): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === "number" && Number.isInteger(v) && v >= min && v <= 1000) return v;
    if (!(field === "consecutiveGatewayErrors" && v === 0)) warnings.push(`${where}: ${field} ${JSON.stringify(v)} is out of range; not imported`);
    return undefined;
  };
  const c5 = count(od.consecutive5xxErrors, "consecutive5xxErrors", 0);
  if (c5 !== undefined) out.consecutive5xxErrors = c5;
  // 0 disables gateway-error ejection in Istio; ours leaves the field out for that.
  const cg = count(od.consecutiveGatewayErrors, "consecutiveGatewayErrors", 1);
  if (cg !== undefined) out.consecutiveGatewayErrors = cg;
  const interval = istioDurationMs(od.interval, `${where}.interval`, warnings);
  if (interval !== undefined) out.intervalMs = interval;
  const base = istioDurationMs(od.baseEjectionTime, `${where}.baseEjectionTime`, warnings);
  if (base !== undefined) out.baseEjectionTimeMs = base;
  for (const f of ["maxEjectionPercent", "minHealthPercent"] as const) {
    const v = od[f];
    if (v === undefined) continue;
    if (typeof v === "number" && v >= 0 && v <= 100) out[f] = v;
    else warnings.push(`${where}: ${f} ${JSON.stringify(v)} is not a percentage; not imported`);
  }
  return out;
}
