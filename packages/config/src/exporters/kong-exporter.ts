import type { GatewayConfig } from "../gateway-config.ts";
import { hashString } from "../hash-string.ts";
import { POLICY_TYPE } from "../importers/kong-plugins.ts";
import { ProxyCacheConfigSchema } from "../policies/proxy-cache-policy.ts";
import type { Route } from "../route.ts";
import type { HealthCheck, Service } from "../service.ts";
import type { Tracing } from "../tracing.ts";

/** Our policy type → Kong plugin name: the importer's table, reversed. */
const PLUGIN_NAME: Record<string, string> = Object.fromEntries(Object.entries(POLICY_TYPE).map(([plugin, type]) => [type, plugin]));

export interface KongExport { document: Record<string, unknown>; warnings: string[] }

/**
 * Our config → Kong declarative config (`_format_version: "3.0"`), so a Kong → Switchyard → Kong
 * round trip keeps the meaning. What Kong OSS can't express (weighted splits across services or
 * subsets, header-matched rules beyond one block, hashed API keys) is reported, never dropped silently.
 */
export function exportKong(config: GatewayConfig): KongExport {
  const warnings: string[] = [];
  const upstreams: Record<string, unknown>[] = [];
  /** Client certificates of MUTUAL services and the CAs services trust, as Kong entities the services point at. */
  const tlsEntities: KongTlsEntities = { clientCertificates: [], caCertificates: [] };
  const services = config.services.map((s) => kongService(s, upstreams, tlsEntities, warnings));
  const byName = new Map(services.map((s) => [s.name as string, s]));
  const globalRedirect = config.settings?.httpsRedirect;
  if (globalRedirect && globalRedirect.hosts.length > 0) {
    warnings.push(`settings.httpsRedirect: Kong sets redirects per route; exported onto routes whose hosts are all in its host list`);
  }
  for (const route of config.routes) {
    const exported = kongRoute(route, warnings);
    const redirect = route.httpsRedirect ?? (globalRedirect && (globalRedirect.hosts.length === 0
      || (route.hosts.length > 0 && route.hosts.every((h) => globalRedirect.hosts.includes(h)))) ? globalRedirect : undefined);
    if (redirect) {
      // Kong: a route without "http" serves HTTPS only and answers plain HTTP with this code.
      exported.route.protocols = ["https"];
      exported.route.https_redirect_status_code = redirect.status;
      if (redirect.port !== undefined) warnings.push(`route ${route.name}: the redirect port ${redirect.port} has no Kong equivalent`);
    }
    const service = byName.get(exported.service);
    if (service) (service.routes as unknown[]).push(exported.route);
  }
  const plugins: Record<string, unknown>[] = (config.policies ?? []).flatMap((p) => {
    const name = PLUGIN_NAME[p.type];
    if (!name) { warnings.push(`policy ${p.name}: type ${p.type} has no Kong plugin`); return []; }
    const scope = p.scope.kind === "global" ? {} : { [p.scope.kind]: p.scope.name };
    const pluginConfig: Record<string, unknown> = { ...(p.config as Record<string, unknown>) };
    if (p.type === "rate-limit" && isRecord(pluginConfig.redis)) {
      const redis = pluginConfig.redis;
      delete pluginConfig.redis;
      for (const [k, v] of Object.entries(redis)) pluginConfig[`redis_${k}`] = v;
    }
    if (p.type === "proxy-cache") kongProxyCacheConfig(p.name, pluginConfig, warnings);
    return [{ name, instance_name: p.name, enabled: p.enabled, ...scope, config: pluginConfig }];
  });
  const tracing = config.settings?.tracing;
  if (tracing?.otlp !== undefined) plugins.push(kongOpentelemetry(tracing, warnings));
  else if (tracing !== undefined && tracing.sampleRatio !== 1) warnings.push("settings.tracing: sampleRatio without otlp export has no Kong plugin; set tracing_sampling_rate in kong.conf");
  const consumers = (config.consumers ?? []).map((c) => {
    if (c.credentials.key_auth.length || c.credentials.basic_auth.length) {
      warnings.push(`consumer ${c.username}: API keys and passwords are stored hashed and can't be exported; issue new ones in Kong`);
    }
    return {
      username: c.username,
      ...(c.custom_id ? { custom_id: c.custom_id } : {}),
      ...(c.groups.length ? { acls: c.groups.map((group) => ({ group })) } : {}),
      ...(c.credentials.jwt.length
        ? { jwt_secrets: c.credentials.jwt.map((j) => ({ key: j.key, algorithm: j.algorithms[0], ...(j.secret ? { secret: j.secret } : j.public_key ? { rsa_public_key: j.public_key } : {}) })) }
        : {}),
    };
  });
  // Kong nests the SNI names in each certificate.
  const certificates = [
    ...(config.certificates ?? []).map((c) => ({ cert: c.cert, key: c.key, tags: [c.name], snis: c.hosts.map((name) => ({ name })) })),
    ...tlsEntities.clientCertificates,
  ];
  return {
    document: {
      _format_version: "3.0",
      services,
      ...(certificates.length ? { certificates } : {}),
      ...(tlsEntities.caCertificates.length ? { ca_certificates: tlsEntities.caCertificates } : {}),
      ...(upstreams.length ? { upstreams } : {}),
      ...(plugins.length ? { plugins } : {}),
      ...(consumers.length ? { consumers } : {}),
    },
    warnings,
  };
}

/** settings.tracing with export → a global `opentelemetry` plugin (what the Kong importer reads back). */
function kongOpentelemetry(tracing: Tracing, warnings: string[]): Record<string, unknown> {
  const otlp = tracing.otlp!;
  if (otlp.timeout !== 10_000) warnings.push("settings.tracing.otlp.timeout: Kong's connect/send/read timeouts are left at their defaults");
  return {
    name: "opentelemetry",
    config: {
      traces_endpoint: otlp.endpoint,
      ...(Object.keys(otlp.headers).length ? { headers: otlp.headers } : {}),
      sampling_rate: tracing.sampleRatio,
      resource_attributes: { "service.name": otlp.serviceName },
      queue: { max_coalescing_delay: otlp.batchDelay / 1000 },
    },
  };
}

/**
 * A UUID-shaped id derived from `text` (Kong ids are UUIDs): the same config exports the same
 * ids, so an export diffs cleanly against the last one.
 */
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function stableUuid(text: string): string {
  const hex = [0, 1, 2, 3].map((k) => hashString(`${k}|${text}`).toString(16).padStart(8, "0")).join("");
  // Version 5 and the RFC 4122 variant, so the id validates as a UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface KongTlsEntities { clientCertificates: Record<string, unknown>[]; caCertificates: Record<string, unknown>[] }

function kongService(s: Service, upstreams: Record<string, unknown>[], tlsEntities: KongTlsEntities, warnings: string[]): Record<string, unknown> {
  const timeouts = s.trafficPolicy?.timeouts;
  const common = {
    name: s.name,
    ...(timeouts?.connectMs !== undefined ? { connect_timeout: timeouts.connectMs } : {}),
    ...(timeouts?.requestMs !== undefined ? { read_timeout: timeouts.requestMs } : {}),
    routes: [] as unknown[],
  } as { name: string; routes: unknown[]; tls_verify?: boolean; client_certificate?: { id: string }; ca_certificates?: string[] };
  if (s.subsets.length) warnings.push(`service ${s.name}: subsets have no Kong equivalent; all targets are exported in one upstream`);
  const mode = s.trafficPolicy?.tls?.mode;
  const tls = mode === "SIMPLE" || mode === "MUTUAL" ? s.trafficPolicy!.tls! : null;
  const protocol = tls === null ? "http" : "https";
  if (s.trafficPolicy?.connectionPool?.http?.h2UpgradePolicy === "UPGRADE") {
    warnings.push(`service ${s.name}: HTTP/2 to the targets has no Kong equivalent besides protocol grpc; exported as ${protocol}`);
  }
  if (tls !== null) {
    // Kong checks an upstream's certificate only when told to: say it either way.
    common.tls_verify = !tls.insecureSkipVerify;
    const dropped = [tls.sni !== undefined ? "sni" : "", tls.subjectAltNames !== undefined ? "subjectAltNames" : ""].filter(Boolean);
    if (dropped.length) warnings.push(`service ${s.name}: tls ${dropped.join(", ")} have no Kong service field; not exported (Kong sends the host as SNI and checks it)`);
    if (tls.clientCertificate !== undefined && tls.privateKey !== undefined) {
      const id = stableUuid(`client-certificate:${s.name}`);
      tlsEntities.clientCertificates.push({ id, cert: tls.clientCertificate, key: tls.privateKey, tags: [`${s.name}-client`] });
      common.client_certificate = { id };
    }
    if (tls.caCertificates !== undefined) {
      // One Kong CA certificate entity per certificate of the bundle, in its order.
      common.ca_certificates = (tls.caCertificates.match(PEM_CERTIFICATE) ?? []).map((cert, i) => {
        const id = stableUuid(`ca-certificate:${s.name}:${i}`);
        tlsEntities.caCertificates.push({ id, cert: `${cert}\n`, tags: [`${s.name}-ca`] });
        return id;
      });
    }
  }
  const lb = s.trafficPolicy?.loadBalancer?.type;
  // Kong keeps health checks on upstreams: a service with one needs one.
  if (s.targets.length === 1 && !lb && !s.healthCheck) return { ...common, url: `${protocol}://${hostPort(s.targets[0]!.host, s.targets[0]!.port)}` };
  const upstreamName = `${s.name}-upstream`;
  upstreams.push({
    name: upstreamName,
    ...(lb === "least-request" ? { algorithm: "least-connections" } : lb === "round-robin" ? { algorithm: "round-robin" } : {}),
    targets: s.targets.map((t) => ({ target: hostPort(t.host, t.port), weight: t.weight })),
    ...(s.healthCheck ? { healthchecks: kongHealthchecks(s.healthCheck, tls !== null) } : {}),
  });
  if (s.healthCheck?.grpc?.service) warnings.push(`service ${s.name}: the gRPC health check's service name has no Kong field; Kong asks about the whole server`);
  if (lb && lb !== "least-request" && lb !== "round-robin") warnings.push(`service ${s.name}: load balancer ${lb} exported as round-robin`);
  return { ...common, host: upstreamName, port: s.targets[0]!.port, protocol };
}

function kongRoute(r: Route, warnings: string[]): { service: string; route: Record<string, unknown> } {
  const rule = r.rules[r.rules.length - 1]!;
  if (r.rules.length > 1) warnings.push(`route ${r.name}: only its last (default) rule is exported; Kong routes have no ordered rules`);
  const dests = rule.destinations.filter((d) => d.weight > 0);
  const main = [...dests].sort((a, b) => b.weight - a.weight)[0] ?? rule.destinations[0]!;
  if (new Set(dests.map((d) => `${d.service}/${d.subset ?? ""}`)).size > 1) {
    warnings.push(`route ${r.name}: a weighted split has no Kong OSS equivalent; exported to its heaviest destination ${main.service}`);
  }
  const block = rule.match?.length === 1 ? rule.match[0]! : null;
  if ((rule.match?.length ?? 0) > 1) warnings.push(`route ${r.name}: only the first of several match blocks is exported`);
  const headers: Record<string, string[]> = {};
  for (const [name, m] of Object.entries(block?.headers ?? {})) {
    if ("exact" in m) headers[name] = [m.exact];
    // Kong lists alternatives; the importer turns them into a|b, which maps straight back.
    else if ("regex" in m && /^[^.*+?^${}()[\]\\|]+(\|[^.*+?^${}()[\]\\|]+)*$/.test(m.regex)) headers[name] = m.regex.split("|");
    else warnings.push(`route ${r.name}: header match on ${name} can't be expressed in Kong`);
  }
  const path = r.path.type === "prefix" ? r.path.value : r.path.type === "regex" ? `~${r.path.value}` : `~^${escapeRegex(r.path.value)}$`;
  return {
    service: main.service,
    route: {
      name: r.name,
      paths: [path],
      ...(r.hosts.length ? { hosts: r.hosts } : {}),
      ...(r.methods.length ? { methods: r.methods } : {}),
      ...(Object.keys(headers).length ? { headers } : {}),
      strip_path: r.stripPath,
    },
  };
}

const hostPort = (host: string, port: number) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Our proxy-cache bounds (per-worker memory) have no Kong fields: Kong rejects unknown ones. */
const PROXY_CACHE_DEFAULTS = ProxyCacheConfigSchema.parse({});

function kongProxyCacheConfig(policy: string, config: Record<string, unknown>, warnings: string[]): void {
  const memory = isRecord(config.memory) ? config.memory : {};
  const dropped = [
    ["max_body_bytes", config.max_body_bytes, PROXY_CACHE_DEFAULTS.max_body_bytes],
    ["memory.max_entries", memory.max_entries, PROXY_CACHE_DEFAULTS.memory.max_entries],
    ["memory.max_bytes", memory.max_bytes, PROXY_CACHE_DEFAULTS.memory.max_bytes],
  ] as const;
  for (const [field, value, fallback] of dropped) {
    if (value !== undefined && value !== fallback) warnings.push(`policy ${policy}: proxy-cache ${field} (${String(value)}) has no Kong equivalent; left out`);
  }
  delete config.max_body_bytes;
  if (memory.dictionary_name !== undefined) config.memory = { dictionary_name: memory.dictionary_name };
  else delete config.memory;
}

/** Our health check as a Kong upstream's active healthchecks (one interval for healthy and unhealthy targets, any failure counted). */
function kongHealthchecks(check: HealthCheck, tls: boolean): Record<string, unknown> {
  const seconds = (ms: number) => ms / 1000;
  const failures = check.unhealthyThreshold;
  return {
    active: {
      type: check.grpc !== undefined ? (tls ? "grpcs" : "grpc") : tls ? "https" : "http",
      ...(check.grpc === undefined ? { http_path: check.path } : {}),
      timeout: seconds(check.timeoutMs),
      healthy: { interval: seconds(check.intervalMs), successes: check.healthyThreshold },
      unhealthy: { interval: seconds(check.intervalMs), http_failures: failures, tcp_failures: failures, timeouts: failures },
    },
  };
}
