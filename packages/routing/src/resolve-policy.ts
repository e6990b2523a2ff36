import { matchesSelector, type Retries, type Rule, type Service, type Target, type TrafficPolicy } from "@switchyard/config";
import type { CompiledHashKey, CompiledOutlierDetection, CompiledPoolLimits, CompiledRetryPolicy } from "./compiled-types.ts";

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Envoy's max_ejection_time default: 300 s, or the base time when that is longer. */
const MAX_EJECTION_MS = 300_000;

/** A subset inherits the service policy; each field it sets replaces the service's (Istio). */
export function mergePolicy(base: TrafficPolicy | undefined, override: TrafficPolicy | undefined): TrafficPolicy | undefined {
  if (!override) return base;
  if (!base) return override;
  return {
    loadBalancer: override.loadBalancer ?? base.loadBalancer,
    timeouts: { ...base.timeouts, ...override.timeouts },
    connectionPool: {
      tcp: { ...base.connectionPool?.tcp, ...override.connectionPool?.tcp },
      http: { ...base.connectionPool?.http, ...override.connectionPool?.http },
    },
    outlierDetection: override.outlierDetection ?? base.outlierDetection,
    retries: override.retries ?? base.retries,
    retryBudget: override.retryBudget ?? base.retryBudget,
    tls: override.tls ?? base.tls,
  };
}

/**
 * The traffic policy a target's active health probe follows (TLS, HTTP/2): the first subset, in
 * config order, that selects the target and sets a policy of its own, merged over the service's
 * (as requests sent to that subset get it); else the service's. A target is probed once per
 * origin, so one that two subsets with different settings select is probed the first one's way.
 */
export function probePolicy(service: Service, target: Target): TrafficPolicy | undefined {
  for (const subset of service.subsets) {
    if (subset.trafficPolicy !== undefined && matchesSelector(target.labels, subset.labels)) return mergePolicy(service.trafficPolicy, subset.trafficPolicy);
  }
  return service.trafficPolicy;
}

export function resolveRetry(rule: Rule, policy: TrafficPolicy | undefined): CompiledRetryPolicy | null {
  const r: Retries | undefined = rule.retries ?? policy?.retries;
  if (!r || r.attempts === 0) return null;
  const on = new Set(r.retryOn);
  const codes = new Set<number>();
  for (const c of r.retryOn) if (/^\d{3}$/.test(c)) codes.add(Number(c));
  const grpcStatuses = new Set<number>();
  for (const c of r.retryOn) if (GRPC_RETRY_ON[c] !== undefined) grpcStatuses.add(GRPC_RETRY_ON[c]);
  const base = {
    attempts: r.attempts,
    perTryTimeoutMs: r.perTryTimeoutMs ?? null,
    backoffMs: Math.max(1, r.backoffMs),
    retryNonIdempotent: r.retryNonIdempotent,
    // Envoy: 5xx includes connect failures and resets; gateway-error includes connect failures.
    connectFailure: on.has("connect-failure") || on.has("5xx") || on.has("gateway-error"),
    refusedStream: on.has("refused-stream") || on.has("5xx"),
    reset: on.has("reset") || on.has("5xx"),
    on5xx: on.has("5xx"),
    gatewayError: on.has("gateway-error"),
    codes,
    grpcStatuses,
  };
  const grpc = r.retryNonIdempotent
    ? { ...base, grpc: null }
    : { ...base, reset: false, on5xx: false, gatewayError: false, codes: new Set<number>(), grpc: null };
  const grpcUseful = grpc.grpcStatuses.size > 0 || grpc.connectFailure || grpc.refusedStream || grpc.reset || grpc.on5xx || grpc.gatewayError || grpc.codes.size > 0;
  return Object.freeze({ ...base, grpc: grpcUseful ? Object.freeze(grpc) : null });
}

/** gRPC retry conditions (Envoy's retry-grpc-on) and the status each stands for. */
const GRPC_RETRY_ON: Record<string, number> = { cancelled: 1, "deadline-exceeded": 4, "resource-exhausted": 8, internal: 13, unavailable: 14 };

export function resolvePool(policy: TrafficPolicy | undefined): CompiledPoolLimits {
  const cp = policy?.connectionPool;
  return Object.freeze({
    maxConnections: cp?.tcp?.maxConnections ?? Infinity,
    maxPending: cp?.http?.http1MaxPendingRequests ?? Infinity,
    maxRequests: cp?.http?.http2MaxRequests ?? Infinity,
    maxRequestsPerConnection: cp?.http?.maxRequestsPerConnection ?? 0,
    connectTimeoutMs: cp?.tcp?.connectTimeoutMs ?? policy?.timeouts?.connectMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    http2: cp?.http?.h2UpgradePolicy === "UPGRADE",
    maxConcurrentStreams: cp?.http?.maxConcurrentStreams ?? Infinity,
  });
}

export function resolveOutlier(policy: TrafficPolicy | undefined): CompiledOutlierDetection | null {
  const od = policy?.outlierDetection;
  if (!od) return null;
  const gateway = od.consecutiveGatewayErrors ?? 0;
  if (od.consecutive5xxErrors === 0 && gateway === 0) return null;
  return Object.freeze({
    consecutive5xx: od.consecutive5xxErrors,
    // No effect when it is not below the 5xx threshold: gateway errors are a subset of 5xx.
    consecutiveGateway: od.consecutive5xxErrors > 0 && gateway >= od.consecutive5xxErrors ? 0 : gateway,
    intervalMs: Math.max(1, od.intervalMs),
    baseEjectionMs: od.baseEjectionTimeMs,
    maxEjectionMs: Math.max(MAX_EJECTION_MS, od.baseEjectionTimeMs),
    maxEjectionPercent: od.maxEjectionPercent,
    minHealthPercent: od.minHealthPercent,
  });
}

export function resolveHashKey(policy: TrafficPolicy | undefined): CompiledHashKey | null {
  const lb = policy?.loadBalancer;
  if (lb?.type !== "consistent-hash" || !lb.consistentHash) return null;
  const h = lb.consistentHash;
  if (h.httpHeaderName) return Object.freeze({ kind: "header", name: h.httpHeaderName.toLowerCase() });
  if (h.httpCookie) return Object.freeze({ kind: "cookie", name: h.httpCookie.name });
  if (h.httpQueryParameterName) return Object.freeze({ kind: "query", name: h.httpQueryParameterName });
  return Object.freeze({ kind: "ip", name: "" });
}
