import { GRPC_STATUS_NAMES, matchesSelector, type GatewayConfig, type Route, type Rule, type RuleMatch, type Service, type StringMatch, type TrafficPolicy } from "@switchyard/config";
import { CompileErrorCode, ConfigCompileError } from "./compile-error.ts";
import { compileRuleActions } from "./compile-rule-actions.ts";
import { checkJwtCredentials } from "./jwt-keys.ts";
import { checkCertificates } from "./tls-certificates.ts";
import { buildRouteIndex } from "./route-index.ts";

/** Below this many entries a linear scan beats the index lookup. */
const INDEX_FROM_ENTRIES = 16;
import { checkUpstreamTls, resolveUpstreamTls } from "./upstream-tls.ts";
import { mergePolicy, resolveHashKey, resolveOutlier, resolvePool, resolveRetry } from "./resolve-policy.ts";
import type {
  CompiledCondition,
  CompiledConfig,
  CompiledDestination,
  CompiledFault,
  CompiledMatchBlock,
  CompiledRoute,
  CompiledRule,
  CompiledStringMatch,
  CompiledTarget,
  HostMatcher,
  RouteEntry,
  RouteMatch,
} from "./compiled-types.ts";
import { formatHost, targetOrigin } from "./target-address.ts";

/**
 * Turns a validated config into an immutable routing table. Everything that can be decided
 * once per config is decided here (regexes built, header names lower-cased, weights summed,
 * subsets resolved to targets, match order sorted), so matching a request allocates nothing.
 * Throws ConfigCompileError for what the schema can't see.
 */
export function compileConfig(config: GatewayConfig): CompiledConfig {
  const services = new Map<string, Service>();
  for (const s of config.services) services.set(s.name, s);

  const destinations: CompiledDestination[] = [];
  const routes: CompiledRoute[] = [];
  const names = new Set<string>();
  config.routes.forEach((route, i) => {
    if (names.has(route.name)) {
      throw new ConfigCompileError(CompileErrorCode.DuplicateRoute, `routes.${i}.name`, `Duplicate route name "${route.name}"`);
    }
    names.add(route.name);
    routes.push(compileRoute(route, `routes.${i}`, services, destinations));
  });

  const entries: { entry: RouteEntry; order: number }[] = [];
  routes.forEach((route, order) => {
    for (const host of route.hosts) entries.push({ entry: Object.freeze({ route, host }), order });
  });
  entries.sort((a, b) => compareEntries(a.entry, b.entry) || a.order - b.order);

  // Policies compile in the gateway only, but its credential keys are checked here so the
  // control plane's dry run refuses what every data plane would nack.
  checkJwtCredentials(config.consumers ?? []);
  // The gateway builds its TLS contexts from these; a key that doesn't fit is refused here.
  checkCertificates(config.certificates ?? []);
  // Upstream CAs are parsed for every service and subset, also those no route sends to yet.
  checkUpstreamTls(config.services);
  const redirect = config.settings?.httpsRedirect;

  const sorted = entries.map((e) => e.entry);
  return Object.freeze({
    index: sorted.length >= INDEX_FROM_ENTRIES ? buildRouteIndex(sorted) : null,
    trustedProxies: Object.freeze([...(config.settings?.trustedProxies ?? [])]),
    httpsRedirect: redirect
      ? Object.freeze({ status: redirect.status, port: redirect.port ?? null, hosts: Object.freeze(redirect.hosts.map(hostMatcher)) })
      : null,
    entries: Object.freeze(sorted),
    routes: Object.freeze(routes),
    destinations: Object.freeze(destinations),
  });
}

function hostRank(h: HostMatcher): number {
  return h.kind === "exact" ? 0 : h.kind === "wildcard" ? 1 : 2;
}

function pathRank(r: CompiledRoute): number {
  return r.pathType === "exact" ? 0 : r.pathType === "prefix" ? 1 : 2;
}

/** Priority first; then the more specific host; then the more specific path; then routes with methods. */
function compareEntries(a: RouteEntry, b: RouteEntry): number {
  if (a.route.priority !== b.route.priority) return b.route.priority - a.route.priority;
  const ha = hostRank(a.host), hb = hostRank(b.host);
  if (ha !== hb) return ha - hb;
  if (a.host.kind === "wildcard" && b.host.kind === "wildcard" && a.host.suffix.length !== b.host.suffix.length) {
    return b.host.suffix.length - a.host.suffix.length;
  }
  const pa = pathRank(a.route), pb = pathRank(b.route);
  if (pa !== pb) return pa - pb;
  if (a.route.pathType !== "regex" && a.route.pathValue.length !== b.route.pathValue.length) {
    return b.route.pathValue.length - a.route.pathValue.length;
  }
  const ma = a.route.methods ? 0 : 1, mb = b.route.methods ? 0 : 1;
  return ma - mb;
}

function hostMatcher(h: string): HostMatcher {
  const host = h.toLowerCase();
  return Object.freeze(host.startsWith("*.")
    ? { kind: "wildcard" as const, suffix: host.slice(1) }
    : { kind: "exact" as const, value: host });
}

function compileRoute(route: Route, at: string, services: Map<string, Service>, destinations: CompiledDestination[]): CompiledRoute {
  const hosts: HostMatcher[] = route.hosts.length === 0
    ? [Object.freeze({ kind: "any" as const })]
    : route.hosts.map(hostMatcher);

  const pathType = route.path.type;
  let pathValue = route.path.value;
  let pathRegex: RegExp | null = null;
  if (pathType === "regex") {
    pathRegex = buildRegex(route.path.value, `${at}.path.value`);
    if (route.stripPath) {
      throw new ConfigCompileError(CompileErrorCode.StripPathRegex, `${at}.stripPath`, "stripPath needs a prefix or exact path, not a regex");
    }
  } else {
    if (!pathValue.startsWith("/")) {
      throw new ConfigCompileError(CompileErrorCode.InvalidPath, `${at}.path.value`, "Path must start with /");
    }
    // A trailing slash on a prefix adds nothing once matching is segment-aware: "/api/" ≡ "/api".
    if (pathType === "prefix" && pathValue.length > 1 && pathValue.endsWith("/")) pathValue = pathValue.slice(0, -1);
  }

  const rules = route.rules.map((rule, j) => compileRule(rule, j, `${at}.rules.${j}`, services, destinations));

  const frozenRules = Object.freeze(rules);
  const compiled: CompiledRoute = {
    name: route.name,
    priority: route.priority,
    hosts: Object.freeze(hosts),
    pathType,
    pathValue,
    pathRegex,
    pathRegexSource: pathType === "regex" ? route.path.value : null,
    methods: route.methods.length > 0 ? new Set<string>(route.methods) : null,
    stripPath: route.stripPath,
    maxBodyBytes: route.maxRequestBodyBytes ?? null,
    httpsRedirect: route.httpsRedirect ? Object.freeze({ status: route.httpsRedirect.status, port: route.httpsRedirect.port ?? null }) : null,
    rules: frozenRules,
    results: [],
  };
  (compiled as unknown as { results: RouteMatch[] }).results = frozenRules.map((rule, ruleIndex) => Object.freeze({ route: compiled, rule, ruleIndex }));
  return Object.freeze(compiled);
}

function compileRule(rule: Rule, index: number, at: string, services: Map<string, Service>, destinations: CompiledDestination[]): CompiledRule {
  const match = rule.match && rule.match.length > 0
    ? Object.freeze(rule.match.map((m, k) => compileMatchBlock(m, `${at}.match.${k}`)))
    : null;

  const dests = rule.destinations.map((d, k) => compileDestination(d, `${at}.destinations.${k}`, rule, services, destinations, false));
  const mirror = rule.mirror
    ? Object.freeze({
        destination: compileDestination({ ...rule.mirror, weight: 1 }, `${at}.mirror`, rule, services, destinations, true),
        fraction: rule.mirror.percentage / 100,
      })
    : null;

  // Relative weights; a single destination gets everything whatever its weight (Istio).
  const cumulative: number[] = [];
  let total = 0;
  if (dests.length <= 1) {
    total = 1;
    cumulative.push(1);
  } else {
    for (const d of dests) { total += d.weight; cumulative.push(total); }
    if (total === 0) throw new ConfigCompileError(CompileErrorCode.NoWeight, `${at}.destinations`, "At least one destination needs a weight above 0");
  }

  return Object.freeze({
    index,
    name: rule.name ?? null,
    match,
    destinations: Object.freeze(dests),
    cumulative: Object.freeze(cumulative),
    weightTotal: total,
    timeoutMs: rule.timeoutMs ?? null,
    ...compileRuleActions(rule, at),
    mirror,
    fault: rule.fault ? compileFault(rule.fault) : null,
  });
}

/** The HTTP status a gRPC status stands for (by gRPC code; grpc-gateway's mapping), for a request that isn't gRPC. */
const HTTP_STATUS_OF_GRPC = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401];

function compileFault(fault: NonNullable<Rule["fault"]>): CompiledFault {
  const abort = fault.abort;
  const grpcStatus = abort?.grpcStatus !== undefined ? GRPC_STATUS_NAMES.indexOf(abort.grpcStatus as (typeof GRPC_STATUS_NAMES)[number]) : -1;
  return Object.freeze({
    delayMs: fault.delay?.fixedDelayMs ?? 0,
    delayFraction: fault.delay ? fault.delay.percentage / 100 : 0,
    abortStatus: abort?.httpStatus ?? (grpcStatus >= 0 ? HTTP_STATUS_OF_GRPC[grpcStatus]! : 0),
    abortGrpcStatus: grpcStatus,
    abortFraction: abort ? abort.percentage / 100 : 0,
  });
}

function compileDestination(
  d: { service: string; subset?: string | undefined; weight: number },
  where: string,
  rule: Rule,
  services: Map<string, Service>,
  destinations: CompiledDestination[],
  mirror: boolean,
): CompiledDestination {
  const service = services.get(d.service);
  if (!service) throw new ConfigCompileError(CompileErrorCode.UnknownService, `${where}.service`, `Unknown service "${d.service}"`);
  const cluster = clusterOf(service, d.subset, where);
  const compiled: CompiledDestination = Object.freeze({
    id: destinations.length,
    service: d.service,
    subset: d.subset ?? "",
    weight: d.weight,
    ...cluster.parts,
    timeoutMs: rule.timeoutMs ?? cluster.policy?.timeouts?.requestMs ?? null,
    // A mirror is fire-and-forget: never retried.
    retry: mirror ? null : resolveRetry(rule, cluster.policy),
    mirror,
  });
  destinations.push(compiled);
  return compiled;
}


/** What a destination takes from its service and subset alone: the same for every route sending there. */
interface ClusterParts {
  policy: TrafficPolicy | undefined;
  parts: Pick<CompiledDestination, "targets" | "targetWeightTotal" | "connectTimeoutMs" | "idleTimeoutMs" | "loadBalancer" | "hashKey" | "hashAlgorithm" | "cluster" | "retryBudget" | "pool" | "outlier" | "tls">;
}

/**
 * Resolved once per service and subset of the config being compiled (keyed by the service
 * object, so a new config never sees an old one's): a big table has thousands of destinations
 * over a few clusters, and resolving each anew dominated the compile.
 */
const clusterCache = new WeakMap<Service, Map<string, ClusterParts>>();

function clusterOf(service: Service, subsetName: string | undefined, where: string): ClusterParts {
  let bySubset = clusterCache.get(service);
  if (bySubset === undefined) { bySubset = new Map(); clusterCache.set(service, bySubset); }
  const known = bySubset.get(subsetName ?? "");
  if (known !== undefined) return known;
  let policy: TrafficPolicy | undefined = service.trafficPolicy;
  let selector: Record<string, string> | null = null;
  if (subsetName !== undefined) {
    const subset = service.subsets.find((s) => s.name === subsetName);
    if (!subset) {
      throw new ConfigCompileError(CompileErrorCode.UnknownSubset, `${where}.subset`, `Service "${service.name}" has no subset "${subsetName}"`);
    }
    selector = subset.labels;
    policy = mergePolicy(service.trafficPolicy, subset.trafficPolicy);
  }
  const targets: CompiledTarget[] = service.targets
    .filter((t) => t.weight > 0 && (selector === null || matchesSelector(t.labels, selector)))
    .map((t) => Object.freeze({
      host: t.host,
      port: t.port,
      weight: t.weight,
      labels: Object.freeze({ ...t.labels }),
      origin: targetOrigin(t.host, t.port),
      authority: t.port === 80 ? formatHost(t.host) : `${formatHost(t.host)}:${t.port}`,
    }));
  const cluster: ClusterParts = {
    policy,
    parts: {
      targets: Object.freeze(targets),
      targetWeightTotal: targets.reduce((sum, t) => sum + t.weight, 0),
      connectTimeoutMs: policy?.connectionPool?.tcp?.connectTimeoutMs ?? policy?.timeouts?.connectMs ?? null,
      idleTimeoutMs: policy?.timeouts?.idleMs ?? null,
      loadBalancer: policy?.loadBalancer?.type ?? "round-robin",
      hashKey: resolveHashKey(policy),
      hashAlgorithm: policy?.loadBalancer?.consistentHash?.algorithm ?? "ring",
      cluster: subsetName === undefined ? service.name : `${service.name}/${subsetName}`,
      retryBudget: Object.freeze({
        percent: policy?.retryBudget?.budgetPercent ?? 20,
        minConcurrency: policy?.retryBudget?.minRetryConcurrency ?? 3,
      }),
      pool: resolvePool(policy),
      outlier: resolveOutlier(policy),
      tls: resolveUpstreamTls(policy?.tls),
    },
  };
  bySubset.set(subsetName ?? "", cluster);
  return cluster;
}

function compileMatchBlock(block: RuleMatch, at: string): CompiledMatchBlock {
  const headers: CompiledCondition[] = Object.entries(block.headers ?? {}).map(([name, m]) =>
    Object.freeze({ name: name.toLowerCase(), match: compileStringMatch(m, `${at}.headers.${name}`) }));
  const query: CompiledCondition[] = Object.entries(block.query ?? {}).map(([name, m]) =>
    Object.freeze({ name, match: compileStringMatch(m, `${at}.query.${name}`) }));
  const cookies: CompiledCondition[] = Object.entries(block.cookies ?? {}).map(([name, m]) =>
    Object.freeze({ name, match: compileStringMatch(m, `${at}.cookies.${name}`) }));
  return Object.freeze({
    methods: block.methods && block.methods.length > 0 ? new Set<string>(block.methods) : null,
    headers: Object.freeze(headers),
    query: Object.freeze(query),
    cookies: Object.freeze(cookies),
  });
}

function compileStringMatch(m: StringMatch, at: string): CompiledStringMatch {
  if ("exact" in m) return Object.freeze({ kind: "exact", value: m.exact });
  if ("prefix" in m) return Object.freeze({ kind: "prefix", value: m.prefix });
  if ("regex" in m) return Object.freeze({ kind: "regex", regex: buildRegex(m.regex, `${at}.regex`) });
  if ("present" in m) return Object.freeze({ kind: "present" });
  return Object.freeze({ kind: "absent" });
}

/** Regexes match the whole value (Istio/RE2 full-match semantics), never a substring. */
export function buildRegex(source: string, at: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (e) {
    throw new ConfigCompileError(CompileErrorCode.InvalidRegex, at, `Invalid regular expression: ${(e as Error).message}`);
  }
}
