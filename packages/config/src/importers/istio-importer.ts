import type { GatewayConfigInput } from "../gateway-config.ts";
import type { PolicyInput } from "../policies/policy.ts";
import type { RuleMatch } from "../route.ts";
import { asArray, asString, isObject, toName, warnUnknown, type Doc, type ImportedConfig, type ImportOptions } from "./import-types.ts";
import { istioDurationMs } from "./istio-duration.ts";
import { importCorsPolicy, importHttpActions } from "./istio-http-actions.ts";
import { importTrafficPolicy } from "./istio-traffic-policy.ts";
import { importIstioGateways } from "./istio-gateway.ts";

type RouteInput = NonNullable<GatewayConfigInput["routes"]>[number];
type ServiceInput = NonNullable<GatewayConfigInput["services"]>[number];
type StringMatchInput = Record<string, unknown>;

/**
 * Istio VirtualService, DestinationRule and ServiceEntry (static endpoints) → services, routes and
 * route-scoped cors policies (VirtualService corsPolicy).
 * Each `http[]` entry keeps its place in the first-match order: entries become routes whose
 * priority falls with their position, one route per distinct `uri` match of the entry.
 */
export function importIstio(docs: Doc[], options: ImportOptions = {}): ImportedConfig {
  const warnings: string[] = [];
  const services = new Map<string, ServiceInput>();
  const serviceName = (host: string) => toName(host.split(".")[0] ?? host);
  const ensureService = (host: string): ServiceInput => {
    const name = serviceName(host);
    let s = services.get(name);
    if (!s) services.set(name, (s = { name, targets: [], subsets: [] }));
    return s;
  };

  // Services whose ServiceEntry port is HTTP/2 (Istio's protocol selection): Envoy speaks HTTP/2 to them.
  const http2Services = new Set<ServiceInput>();
  // Services whose endpoints expect TLS from their client (HTTPS/TLS ports), with where that was said.
  const tlsServices = new Map<ServiceInput, string>();
  for (const doc of docs.filter((d) => d.kind === "ServiceEntry")) {
    const spec = isObject(doc.spec) ? doc.spec : {};
    const where = `ServiceEntry ${metaName(doc)}`;
    warnUnknown(spec, ["hosts", "ports", "endpoints", "resolution", "location", "addresses", "exportTo"], where, warnings);
    const ports = asArray(spec.ports).filter(isObject);
    const protocol = ports[0] === undefined ? "HTTP" : portProtocol(ports[0]);
    const tlsPort = protocol === "HTTPS" || protocol === "TLS";
    if (!HTTP_PROTOCOLS.has(protocol) && !tlsPort) warnings.push(`${where}: port protocol ${protocol} is not proxied (the gateway proxies HTTP, HTTP/2 and gRPC); imported as HTTP`);
    for (const host of asArray(spec.hosts).map(asString).filter((h): h is string => !!h)) {
      const service = ensureService(host);
      if (H2_PROTOCOLS.has(protocol)) http2Services.add(service);
      if (tlsPort) tlsServices.set(service, `${where}: port protocol ${protocol}`);
      for (const ep of asArray(spec.endpoints).filter(isObject)) {
        const epPorts = isObject(ep.ports) ? ep.ports : {};
        const portName = asString(ports[0]?.name);
        const port = Number((portName && epPorts[portName]) ?? Object.values(epPorts)[0] ?? ports[0]?.targetPort ?? ports[0]?.number);
        const address = asString(ep.address);
        if (!address || !Number.isInteger(port)) { warnings.push(`${where}: an endpoint without address or port was skipped`); continue; }
        service.targets!.push({ host: address, port, weight: typeof ep.weight === "number" ? ep.weight : 100, labels: stringRecord(ep.labels) });
      }
    }
  }

  for (const doc of docs.filter((d) => d.kind === "DestinationRule")) {
    const spec = isObject(doc.spec) ? doc.spec : {};
    const where = `DestinationRule ${metaName(doc)}`;
    warnUnknown(spec, ["host", "subsets", "trafficPolicy", "exportTo"], where, warnings);
    const host = asString(spec.host);
    if (!host) { warnings.push(`${where}: no host; skipped`); continue; }
    const service = ensureService(host);
    service.subsets = asArray(spec.subsets).filter(isObject).map((s) => {
      const name = toName(asString(s.name) ?? "subset");
      warnUnknown(s, ["name", "labels", "trafficPolicy"], `${where} subset ${name}`, warnings);
      const trafficPolicy = isObject(s.trafficPolicy) ? importTrafficPolicy(s.trafficPolicy, `${where} subset ${name} trafficPolicy`, warnings, options.readFile) : undefined;
      return { name, labels: stringRecord(s.labels), ...(trafficPolicy ? { trafficPolicy } : {}) };
    });
    const policy = isObject(spec.trafficPolicy) ? importTrafficPolicy(spec.trafficPolicy, `${where} trafficPolicy`, warnings, options.readFile) : undefined;
    if (policy) service.trafficPolicy = policy;
  }

  const routes: RouteInput[] = [];
  const policies: PolicyInput[] = [];
  for (const doc of docs.filter((d) => d.kind === "VirtualService")) {
    const spec = isObject(doc.spec) ? doc.spec : {};
    const vsName = toName(metaName(doc));
    const where = `VirtualService ${vsName}`;
    warnUnknown(spec, ["hosts", "http", "gateways", "exportTo"], where, warnings);
    if (spec.gateways) warnings.push(`${where}: "gateways" is ignored (every Switchyard gateway serves every route)`);
    const hosts = asArray(spec.hosts).map(asString).filter((h): h is string => !!h && h !== "*");
    const http = asArray(spec.http).filter(isObject);
    http.forEach((entry, i) => {
      const entryWhere = `${where} http[${i}]`;
      warnUnknown(entry, ["name", "match", "route", "timeout", "retries", "rewrite", "headers", "mirror", "mirrorPercentage", "mirrorPercent", "mirrors", "corsPolicy", "redirect", "directResponse", "fault"], entryWhere, warnings);
      const destinations = asArray(entry.route).filter(isObject).map((r, d) => {
        warnUnknown(r, ["destination", "weight"], `${entryWhere}.route[${d}]`, warnings);
        const dest = isObject(r.destination) ? r.destination : {};
        if (dest.port !== undefined) warnings.push(`${entryWhere}.route[${d}]: destination "port" is not supported (the service's targets carry ports) and was not imported`);
        const host = asString(dest.host) ?? "unknown";
        ensureService(host);
        return { service: serviceName(host), ...(asString(dest.subset) ? { subset: toName(asString(dest.subset)!) } : {}), weight: typeof r.weight === "number" ? r.weight : asArray(entry.route).length === 1 ? 100 : 0 };
      });
      const retries = isObject(entry.retries) ? entry.retries : null;
      const timeoutMs = istioDurationMs(entry.timeout, `${entryWhere}.timeout`, warnings);
      const perTryTimeoutMs = retries ? istioDurationMs(retries.perTryTimeout, `${entryWhere}.retries.perTryTimeout`, warnings) : undefined;
      const ruleExtras = {
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(retries ? { retries: { attempts: Number(retries.attempts ?? 2), ...(perTryTimeoutMs !== undefined ? { perTryTimeoutMs } : {}), ...(asString(retries.retryOn) ? { retryOn: asString(retries.retryOn)!.split(",") } : {}) } } : {}),
        ...importHttpActions(entry, entryWhere, warnings, (host) => { ensureService(host); return serviceName(host); }),
      };
      const cors = isObject(entry.corsPolicy) ? importCorsPolicy(entry.corsPolicy, `${entryWhere}.corsPolicy`, warnings) : null;
      // Group the entry's match blocks by uri: each uri is one route; the rest of the block is a rule match.
      const blocks = asArray(entry.match).filter(isObject);
      const byPath = new Map<string, { path: { type: "prefix" | "exact" | "regex"; value: string }; matches: RuleMatch[]; unconditional: boolean }>();
      for (const block of blocks.length ? blocks : [{}]) {
        warnUnknown(block, ["name", "uri", "headers", "queryParams", "method", "withoutHeaders", "ignoreUriCase"], `${entryWhere}.match`, warnings);
        const path = uriToPath(block.uri);
        const key = JSON.stringify(path);
        const group = byPath.get(key) ?? { path, matches: [], unconditional: false };
        byPath.set(key, group);
        const ruleMatch = blockToRuleMatch(block, `${entryWhere}.match`, warnings);
        // A block with only a uri matches every request on that path, whatever the other blocks say.
        if (ruleMatch) group.matches.push(ruleMatch);
        else group.unconditional = true;
      }
      let n = 0;
      for (const { path, matches, unconditional } of byPath.values()) {
        const name = toName(`${vsName}-${asString(entry.name) ?? i}${byPath.size > 1 ? `-${n++}` : ""}`);
        // Istio's corsPolicy belongs to the HTTP route; ours is a cors policy attached to each route made from it.
        if (cors) policies.push({ type: "cors", name: toName(`${name.slice(0, 58)}-cors`), scope: { kind: "route", name }, config: cors });
        routes.push({
          name,
          // Mesh callers send the service's name as Host, so short names stay Host matches.
          hosts,
          path,
          // First-match order across the entries of one VirtualService.
          priority: Math.max(-1000, 1000 - i),
          rules: [{ ...(!unconditional && matches.length ? { match: matches } : {}), destinations, ...ruleExtras }],
        });
      }
    });
  }

  const httpsRedirect = importIstioGateways(docs.filter((d) => d.kind === "Gateway"), warnings);
  for (const d of docs) {
    const istio = String(d.apiVersion ?? "").startsWith("networking.istio.io/");
    if (istio && !["ServiceEntry", "DestinationRule", "VirtualService", "Gateway"].includes(String(d.kind))) warnings.push(`${String(d.kind)} ${metaName(d)}: not supported; ignored`);
  }
  for (const service of http2Services) {
    // Unless a DestinationRule chose otherwise (h2UpgradePolicy), as Istio's protocol selection does.
    const pool = ((service.trafficPolicy ??= {}).connectionPool ??= {});
    (pool.http ??= {}).h2UpgradePolicy ??= "UPGRADE";
  }
  for (const [service, where] of tlsServices) {
    // Istio passes such traffic through; a gateway that ends the client's TLS has to originate its own.
    if (service.trafficPolicy?.tls === undefined) warnings.push(`${where}: the endpoints expect TLS; give the DestinationRule trafficPolicy.tls (mode SIMPLE) to send it (imported as plain HTTP)`);
  }
  const servicesWithoutTargets = [...services.values()].filter((s) => s.targets!.length === 0).map((s) => s.name);
  return {
    format: "istio",
    config: { services: [...services.values()], routes, ...(policies.length ? { policies } : {}), ...(httpsRedirect ? { settings: { httpsRedirect } } : {}) },
    warnings,
    servicesWithoutTargets,
  };
}

function metaName(doc: Doc): string {
  return (isObject(doc.metadata) && asString(doc.metadata.name)) || "unnamed";
}

function stringRecord(v: unknown): Record<string, string> {
  return isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};
}

function uriToPath(uri: unknown): { type: "prefix" | "exact" | "regex"; value: string } {
  if (!isObject(uri)) return { type: "prefix", value: "/" };
  if (typeof uri.exact === "string") return { type: "exact", value: uri.exact };
  if (typeof uri.regex === "string") return { type: "regex", value: uri.regex };
  if (typeof uri.prefix === "string") return { type: "prefix", value: uri.prefix };
  return { type: "prefix", value: "/" };
}

/** Istio headers/queryParams/method → our rule match. A header with an empty match tests presence. */
function blockToRuleMatch(block: Doc, where: string, warnings: string[]): RuleMatch | null {
  const out: { headers?: Record<string, StringMatchInput>; query?: Record<string, StringMatchInput>; methods?: string[] } = {};
  const convert = (m: unknown): StringMatchInput => {
    if (!isObject(m) || Object.keys(m).length === 0) return { present: true };
    for (const k of ["exact", "prefix", "regex"] as const) if (typeof m[k] === "string") return { [k]: m[k] };
    warnings.push(`${where}: match ${JSON.stringify(m)} is not supported; treated as presence`);
    return { present: true };
  };
  if (isObject(block.headers)) out.headers = Object.fromEntries(Object.entries(block.headers).map(([k, v]) => [k.toLowerCase(), convert(v)]));
  if (isObject(block.withoutHeaders)) {
    out.headers ??= {};
    for (const k of Object.keys(block.withoutHeaders)) out.headers[k.toLowerCase()] = { absent: true };
  }
  if (isObject(block.queryParams)) out.query = Object.fromEntries(Object.entries(block.queryParams).map(([k, v]) => [k, convert(v)]));
  if (isObject(block.method)) {
    const m = block.method.exact;
    if (typeof m === "string") out.methods = [m.toUpperCase()];
    else warnings.push(`${where}: only exact method matches are supported`);
  }
  return Object.keys(out).length ? (out as RuleMatch) : null;
}

/** Istio port protocols served over HTTP; of those, the ones Envoy speaks HTTP/2 to the endpoints for. */
const HTTP_PROTOCOLS = new Set(["HTTP", "HTTP2", "GRPC", "GRPC-WEB"]);
const H2_PROTOCOLS = new Set(["HTTP2", "GRPC"]);

/** Port name prefixes Istio's protocol selection knows (grpc-web is the one with a "-" in it). */
const NAMED_PROTOCOLS = new Set(["HTTP", "HTTP2", "GRPC", "HTTPS", "TCP", "TLS", "MONGO", "MYSQL", "REDIS", "UDP"]);

/** A port's protocol (Istio protocol selection): `protocol`, else the name's prefix before "-" (`grpc-api` → GRPC), else HTTP. */
function portProtocol(port: Doc): string {
  const explicit = asString(port.protocol);
  if (explicit) return explicit.toUpperCase();
  const name = (asString(port.name) ?? "").toUpperCase();
  if (name.startsWith("GRPC-WEB")) return "GRPC-WEB";
  const prefix = name.split("-")[0]!;
  return NAMED_PROTOCOLS.has(prefix) ? prefix : "HTTP";
}
