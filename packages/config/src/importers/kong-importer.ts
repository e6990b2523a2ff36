import type { GatewayConfigInput } from "../gateway-config.ts";
import { asArray, asString, isObject, toName, warnUnknown, type Doc, type ImportedConfig } from "./import-types.ts";
import { importKongPlugins, type KongPluginScope } from "./kong-plugins.ts";
import { importKongCertificates } from "./kong-certificates.ts";
import { importKongHealthchecks } from "./kong-healthchecks.ts";

type RouteInput = NonNullable<GatewayConfigInput["routes"]>[number];
type ServiceInput = NonNullable<GatewayConfigInput["services"]>[number];

const KONG_LB: Record<string, "round-robin" | "least-request" | "random"> = { "round-robin": "round-robin", "least-connections": "least-request" };
const REDIRECT_CODES = new Set([301, 302, 307, 308, 426]);
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

/**
 * Kong declarative config (`_format_version: "3.0"`, what `deck` and DB-less kong.yml hold):
 * services (url or protocol/host/port/path), their routes, upstreams with targets, plugins,
 * consumers. A service whose host names an upstream gets that upstream's targets.
 */
export function importKong(doc: Doc): ImportedConfig {
  const warnings: string[] = [];
  warnUnknown(doc, ["_format_version", "_transform", "services", "routes", "upstreams", "consumers", "plugins", "_workspace", "certificates", "snis", "ca_certificates"], "kong.yml", warnings);
  const upstreams = new Map<string, Doc>();
  for (const u of asArray(doc.upstreams).filter(isObject)) if (asString(u.name)) upstreams.set(asString(u.name)!, u);

  const services: ServiceInput[] = [];
  const routes: RouteInput[] = [];
  /** Certificates services present to their upstreams (client_certificate). */
  const clientCertificateIds = new Set<string>();
  const pluginSources: { plugin: Doc; scope: KongPluginScope }[] = [];

  for (const s of asArray(doc.services).filter(isObject)) {
    const name = toName(asString(s.name) ?? asString(s.host) ?? "service");
    const where = `service ${name}`;
    warnUnknown(s, ["name", "url", "protocol", "host", "port", "path", "routes", "plugins", "retries", "connect_timeout", "read_timeout", "write_timeout", "tags", "enabled", "tls_verify", "ca_certificates", "client_certificate"], where, warnings);
    const target = serviceTarget(s);
    if (target.path && target.path !== "/") warnings.push(`${where}: upstream path prefix "${target.path}" is not imported yet`);
    // gRPC runs over HTTP/2; https and grpcs add TLS to the targets.
    const grpc = target.protocol === "grpc" || target.protocol === "grpcs";
    const tls = target.protocol === "https" || target.protocol === "grpcs";
    if (target.protocol !== "http" && !grpc && !tls) warnings.push(`${where}: protocol ${target.protocol} is not supported yet (imported as http)`);
    const upstream = upstreams.get(target.host);
    const service: ServiceInput = { name, targets: [] };
    if (upstream) {
      upstreams.delete(target.host);
      warnUnknown(upstream, ["name", "targets", "algorithm", "tags", "healthchecks", "hash_on", "slots"], `upstream ${target.host}`, warnings);
      for (const t of asArray(upstream.targets).filter(isObject)) {
        const [host, port] = splitHostPort(asString(t.target) ?? "");
        service.targets!.push({ host, port, weight: typeof t.weight === "number" ? t.weight : 100 });
      }
      const algorithm = asString(upstream.algorithm);
      if (algorithm && KONG_LB[algorithm]) service.trafficPolicy = { loadBalancer: { type: KONG_LB[algorithm] } };
      else if (algorithm) warnings.push(`upstream ${target.host}: algorithm ${algorithm} is not imported yet`);
      const healthCheck = importKongHealthchecks(upstream.healthchecks, `upstream ${target.host}`, warnings);
      if (healthCheck) service.healthCheck = healthCheck;
    } else {
      service.targets!.push({ host: target.host, port: target.port });
    }
    const readTimeout = typeof s.read_timeout === "number" ? s.read_timeout : undefined;
    if (readTimeout !== undefined || typeof s.connect_timeout === "number") {
      service.trafficPolicy = { ...service.trafficPolicy, timeouts: { ...(typeof s.connect_timeout === "number" ? { connectMs: s.connect_timeout } : {}), ...(readTimeout !== undefined ? { requestMs: readTimeout } : {}) } };
    }
    if (tls) service.trafficPolicy = { ...service.trafficPolicy, tls: importKongTls(s, doc, where, warnings, clientCertificateIds) };
    if (grpc) {
      const pool = service.trafficPolicy?.connectionPool;
      service.trafficPolicy = { ...service.trafficPolicy, connectionPool: { ...pool, http: { ...pool?.http, h2UpgradePolicy: "UPGRADE" } } };
    }
    services.push(service);
    for (const p of asArray(s.plugins).filter(isObject)) pluginSources.push({ plugin: p, scope: { service: name } });
    for (const r of asArray(s.routes).filter(isObject)) routes.push(...importRoute(r, name, warnings, pluginSources));
  }
  for (const r of asArray(doc.routes).filter(isObject)) {
    const serviceRef = isObject(r.service) ? asString(r.service.name) : asString(r.service);
    if (!serviceRef) { warnings.push(`route ${asString(r.name)}: no service; skipped`); continue; }
    routes.push(...importRoute(r, toName(serviceRef), warnings, pluginSources));
  }
  for (const u of upstreams.keys()) warnings.push(`upstream ${u}: no service uses it; not imported`);
  for (const p of asArray(doc.plugins).filter(isObject)) {
    const scope: KongPluginScope = isObject(p.route) ? { route: toName(asString(p.route.name) ?? "") } : isObject(p.service) ? { service: toName(asString(p.service.name) ?? "") } : typeof p.route === "string" ? { route: toName(p.route) } : typeof p.service === "string" ? { service: toName(p.service) } : {};
    pluginSources.push({ plugin: p, scope });
  }
  const extras = importKongPlugins(pluginSources, asArray(doc.consumers).filter(isObject), warnings);
  const certificates = importKongCertificates(doc, warnings, clientCertificateIds);
  return { format: "kong", config: { services, routes, ...extras, ...(certificates.length ? { certificates } : {}) }, warnings, servicesWithoutTargets: [] };
}

/** One Kong route → one of our routes per path (Kong's paths are alternatives; a leading ~ is a regex). */
function importRoute(r: Doc, service: string, warnings: string[], plugins: { plugin: Doc; scope: KongPluginScope }[]): RouteInput[] {
  const baseName = toName(asString(r.name) ?? `${service}-route`);
  const where = `route ${baseName}`;
  warnUnknown(r, ["name", "paths", "hosts", "methods", "strip_path", "headers", "plugins", "protocols", "service", "preserve_host", "regex_priority", "tags", "path_handling", "https_redirect_status_code", "request_buffering", "response_buffering"], where, warnings);
  if (r.preserve_host === true) warnings.push(`${where}: preserve_host is not imported yet (the upstream sees the target's host)`);
  const methods = asArray(r.methods).map((m) => String(m).toUpperCase()).filter((m) => METHODS.has(m));
  const headers = isObject(r.headers)
    ? [Object.fromEntries(Object.entries(r.headers).map(([k, v]) => {
        const values = asArray(v).map(String);
        return [k.toLowerCase(), values.length === 1 ? { exact: values[0]! } : { regex: values.map(escapeRegex).join("|") }];
      }))]
    : [];
  const httpsRedirect = importProtocols(r, where, warnings);
  const paths = asArray(r.paths).map(String);
  // Kong's strip_path defaults to true.
  const stripPath = r.strip_path !== false;
  const out = (paths.length ? paths : ["/"]).map((p, i): RouteInput => {
    const regex = p.startsWith("~");
    return {
      name: paths.length > 1 ? toName(`${baseName}-${i}`) : baseName,
      hosts: asArray(r.hosts).map(String),
      path: regex ? { type: "regex", value: p.slice(1) } : { type: "prefix", value: p },
      methods: methods as RouteInput["methods"],
      stripPath: regex ? false : stripPath,
      ...(typeof r.regex_priority === "number" && regex ? { priority: Math.max(-1000, Math.min(1000, r.regex_priority)) } : {}),
      ...(httpsRedirect ? { httpsRedirect } : {}),
      rules: [{ ...(headers.length ? { match: headers.map((h) => ({ headers: h })) } : {}), destinations: [{ service, weight: 100 }] }],
    };
  });
  for (const p of asArray(r.plugins).filter(isObject)) for (const route of out) plugins.push({ plugin: p, scope: { route: route.name } });
  return out;
}

/** Kong route protocols the listeners serve: gRPC and WebSocket ride on HTTP (h2/h2c, Upgrade), in plain text or over TLS. */
const PLAIN_PROTOCOLS = new Set(["http", "grpc", "ws"]);
const SECURE_PROTOCOLS = new Set(["https", "grpcs", "wss"]);

/**
 * Kong route `protocols`: a route with only TLS ones (https, grpcs, wss) serves HTTPS only, and a
 * plain-HTTP request gets `https_redirect_status_code` (Kong's default 426).
 */
function importProtocols(r: Doc, where: string, warnings: string[]): { status: 301 | 302 | 307 | 308 | 426 } | null {
  if (r.protocols === undefined) return null;
  const protocols = asArray(r.protocols).map(String);
  const other = protocols.filter((p) => !PLAIN_PROTOCOLS.has(p) && !SECURE_PROTOCOLS.has(p));
  if (other.length) warnings.push(`${where}: protocols ${other.join(", ")} are not supported: the gateway proxies HTTP (HTTP/1.1, HTTP/2, gRPC, WebSocket), not TCP, TLS or UDP streams`);
  if (!protocols.some((p) => SECURE_PROTOCOLS.has(p)) || protocols.some((p) => PLAIN_PROTOCOLS.has(p))) return null;
  const code = r.https_redirect_status_code ?? 426;
  if (typeof code !== "number" || !REDIRECT_CODES.has(code)) {
    warnings.push(`${where}: https_redirect_status_code ${JSON.stringify(code)} is not supported; 426 is used`);
    return { status: 426 };
  }
  return { status: code as 301 | 302 | 307 | 308 | 426 };
}

/**
 * TLS of an https/grpcs service. The certificate is checked unless `tls_verify: false` (Kong
 * itself checks only with `tls_verify: true`, or nginx's proxy_ssl_verify on), against the
 * service's `ca_certificates` (Kong CA certificate entities of the file, joined into one bundle)
 * when it names any, else the system CAs. A `client_certificate` found among the file's
 * certificates makes it MUTUAL (mTLS to the upstream).
 */
function importKongTls(s: Doc, doc: Doc, where: string, warnings: string[], clientCertificateIds: Set<string>): NonNullable<NonNullable<ServiceInput["trafficPolicy"]>["tls"]> {
  const caCertificates = importKongCaCertificates(s, doc, where, warnings);
  const tls = { ...(s.tls_verify === false ? { insecureSkipVerify: true } : {}), ...(caCertificates !== undefined ? { caCertificates } : {}) };
  if (s.client_certificate === undefined || s.client_certificate === null) return { mode: "SIMPLE", ...tls };
  const ref = entityId(s.client_certificate);
  const entity = asArray(doc.certificates).filter(isObject).find((c) => ref !== undefined && asString(c.id) === ref);
  const cert = entity && asString(entity.cert), key = entity && asString(entity.key);
  if (!ref || !cert || !key) {
    warnings.push(`${where}: client_certificate ${ref ?? "?"} is not among the file's certificates; the service is imported with TLS but no client certificate`);
    return { mode: "SIMPLE", ...tls };
  }
  clientCertificateIds.add(ref);
  return { mode: "MUTUAL", clientCertificate: cert, privateKey: key, ...tls };
}

/** A Kong reference to another entity: its id, or `{ id }`. */
function entityId(ref: unknown): string | undefined {
  return isObject(ref) ? asString(ref.id) : asString(ref);
}

/** The PEM of the file's CA certificate entities a service names, as one bundle; undefined: none found. */
function importKongCaCertificates(s: Doc, doc: Doc, where: string, warnings: string[]): string | undefined {
  const refs = asArray(s.ca_certificates).map(entityId);
  if (refs.length === 0) return undefined;
  const entities = asArray(doc.ca_certificates).filter(isObject);
  const pems: string[] = [];
  for (const ref of refs) {
    const cert = asString(entities.find((c) => ref !== undefined && asString(c.id) === ref)?.cert);
    if (cert === undefined) warnings.push(`${where}: ca_certificates ${ref ?? "?"} is not among the file's ca_certificates; not trusted`);
    else pems.push(cert.endsWith("\n") ? cert : `${cert}\n`);
  }
  if (pems.length === 0) {
    warnings.push(`${where}: none of its ca_certificates is in the file; the system CAs are trusted`);
    return undefined;
  }
  return pems.join("");
}

function serviceTarget(s: Doc): { protocol: string; host: string; port: number; path: string | undefined } {
  const url = asString(s.url);
  if (url) {
    const u = new URL(url);
    return { protocol: u.protocol.replace(":", ""), host: u.hostname, port: u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80, path: u.pathname };
  }
  const protocol = asString(s.protocol) ?? "http";
  return { protocol, host: asString(s.host) ?? "localhost", port: typeof s.port === "number" ? s.port : protocol === "https" || protocol === "grpcs" ? 443 : 80, path: asString(s.path) };
}

/** Kong target "host:port"; Kong's default port for a target is 8000. */
function splitHostPort(target: string): [string, number] {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(target);
  return [m?.[1] ?? target, m?.[2] ? Number(m[2]) : 8000];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
