import type { Route, StringMatch } from "@switchyard/config";
import type { RouteIndex } from "./route-index.ts";

export type HttpMethod = Route["methods"][number];

export interface CompiledTarget {
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly labels: Readonly<Record<string, string>>;
  /** "http://host:port", the key upstream connection pools are kept by. */
  readonly origin: string;
  /** Value for the Host header sent upstream ("host" or "host:port"). */
  readonly authority: string;
}

export interface CompiledDestination {
  /** Dense index within the table (0..destinationCount-1), for per-table runtime state arrays. */
  readonly id: number;
  readonly service: string;
  /** "" when the destination is the whole service. */
  readonly subset: string;
  readonly weight: number;
  /** Targets of the service (or subset) with weight above 0; may be empty (answered as "no healthy upstream"). */
  readonly targets: readonly CompiledTarget[];
  /** Sum of target weights, precomputed for weighted target choice. */
  readonly targetWeightTotal: number;
  /** Effective request timeout: rule timeout, else subset/service `timeouts.requestMs`, else null. */
  readonly timeoutMs: number | null;
  readonly connectTimeoutMs: number | null;
  readonly idleTimeoutMs: number | null;
  readonly loadBalancer: "round-robin" | "least-request" | "random" | "consistent-hash";
  /** What consistent hashing hashes; null for the other balancers. */
  readonly hashKey: CompiledHashKey | null;
  readonly hashAlgorithm: "ring" | "maglev";
  /** "service" or "service/subset": the key of circuit-breaker and retry-budget state. */
  readonly cluster: string;
  readonly retry: CompiledRetryPolicy | null;
  readonly retryBudget: { readonly percent: number; readonly minConcurrency: number };
  readonly pool: CompiledPoolLimits;
  readonly outlier: CompiledOutlierDetection | null;
  /** TLS to the targets (trafficPolicy.tls mode SIMPLE); null: plain text. */
  readonly tls: CompiledUpstreamTls | null;
  /** A mirror target: traffic copied there is not counted as the route's. */
  readonly mirror: boolean;
}

export interface CompiledHashKey {
  readonly kind: "header" | "cookie" | "ip" | "query";
  /** Lower-cased header name, cookie name or query parameter; "" for the client IP. */
  readonly name: string;
}

export interface CompiledRetryPolicy {
  /** Retries after the first try (1 + attempts requests at most). */
  readonly attempts: number;
  readonly perTryTimeoutMs: number | null;
  readonly backoffMs: number;
  readonly retryNonIdempotent: boolean;
  readonly connectFailure: boolean;
  readonly refusedStream: boolean;
  readonly reset: boolean;
  readonly on5xx: boolean;
  readonly gatewayError: boolean;
  /** Listed status codes (retriable status codes). */
  readonly codes: ReadonlySet<number>;
  /** gRPC statuses that ask for another try when a Trailers-Only answer carries them (retryOn cancelled, unavailable, …). */
  readonly grpcStatuses: ReadonlySet<number>;
  /**
   * The policy for gRPC calls (always POST): the gRPC statuses, connect failures and refused
   * streams (never processed), and the HTTP-level conditions only with retryNonIdempotent, as for
   * any POST. Null when nothing would be left.
   */
  readonly grpc: CompiledRetryPolicy | null;
}

/** Istio connectionPool, resolved; Infinity where unlimited. */
export interface CompiledPoolLimits {
  readonly maxConnections: number;
  readonly maxPending: number;
  readonly maxRequests: number;
  /** 0: unlimited. */
  readonly maxRequestsPerConnection: number;
  readonly connectTimeoutMs: number;
  /** HTTP/2 to the targets (h2UpgradePolicy UPGRADE). */
  readonly http2: boolean;
  /** HTTP/2 streams per connection on our side (the upstream's own limit applies too); Infinity: none. */
  readonly maxConcurrentStreams: number;
}

/** Istio trafficPolicy.tls SIMPLE or MUTUAL, resolved; the gateway turns it into its TLS options once per pool. */
export interface CompiledUpstreamTls {
  /** Server name to send and check; null: the target's host (no SNI for an IP literal). */
  readonly sni: string | null;
  readonly rejectUnauthorized: boolean;
  /** PEM CAs to trust; null: Node's bundled CAs. */
  readonly ca: string | null;
  /** The certificate must carry one of these instead of the host name; null: the host name is checked. */
  readonly subjectAltNames: readonly string[] | null;
  /** MUTUAL: the client certificate (PEM) and its private key; null with SIMPLE. */
  readonly clientCertificate: { readonly cert: string; readonly key: string } | null;
  /** Identity of these settings (CA and client certificate by digest), part of the connection pool key. */
  readonly key: string;
}

export interface CompiledOutlierDetection {
  readonly consecutive5xx: number;
  /** 0: off. */
  readonly consecutiveGateway: number;
  readonly intervalMs: number;
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
  readonly maxEjectionPercent: number;
  readonly minHealthPercent: number;
}

export type CompiledStringMatch =
  | { readonly kind: "exact"; readonly value: string }
  | { readonly kind: "prefix"; readonly value: string }
  | { readonly kind: "regex"; readonly regex: RegExp }
  | { readonly kind: "present" }
  | { readonly kind: "absent" };

export interface CompiledCondition {
  /** Lower-cased header name, or the query parameter name as written. */
  readonly name: string;
  readonly match: CompiledStringMatch;
}

/** One match block: every condition must hold. */
export interface CompiledMatchBlock {
  readonly methods: ReadonlySet<string> | null;
  readonly headers: readonly CompiledCondition[];
  readonly query: readonly CompiledCondition[];
  readonly cookies: readonly CompiledCondition[];
}

export interface CompiledHeaderOps {
  /** [lower-cased name, value] pairs. */
  readonly set: readonly (readonly [string, string])[];
  readonly add: readonly (readonly [string, string])[];
  readonly remove: readonly string[];
}

export interface CompiledRewrite {
  /** Replaces the matched prefix (the whole path for exact and regex routes). */
  readonly uri: string | null;
  /** Every match of `regex` in the path is replaced by `substitution` ($1-style groups). */
  readonly regex: RegExp | null;
  readonly substitution: string;
  /** Host header sent upstream instead of the target's. */
  readonly authority: string | null;
}

export interface CompiledRedirect {
  readonly status: number;
  readonly uri: string | null;
  readonly authority: string | null;
  readonly scheme: string | null;
  readonly port: number | null;
}

/** Plain-HTTP requests are sent to HTTPS: `status` 301/302/307/308 with a Location, or 426. */
export interface CompiledHttpsRedirect {
  readonly status: number;
  /** Port for the Location; null: the gateway's HTTPS port. */
  readonly port: number | null;
}

export interface CompiledGlobalHttpsRedirect extends CompiledHttpsRedirect {
  /** Hosts it applies to; empty: every host. */
  readonly hosts: readonly HostMatcher[];
}

export interface CompiledDirectResponse {
  readonly status: number;
  readonly body: Uint8Array;
  readonly contentType: string;
}

export interface CompiledSticky {
  readonly kind: "header" | "cookie" | "ip" | "consumer";
  readonly name: string;
}

export interface CompiledMirror {
  readonly destination: CompiledDestination;
  /** 0..1: share of requests copied. */
  readonly fraction: number;
}

/** Istio fault injection of a rule; fractions 0..1 (0: never). */
export interface CompiledFault {
  readonly delayMs: number;
  readonly delayFraction: number;
  /** The HTTP status of an abort; for a gRPC-status abort, the one that status stands for (UNAVAILABLE: 503). */
  readonly abortStatus: number;
  /** The gRPC status of an abort; -1: none set (a gRPC call gets abortStatus's mapping). */
  readonly abortGrpcStatus: number;
  readonly abortFraction: number;
}

export interface CompiledRule {
  readonly index: number;
  readonly name: string | null;
  /** null: the rule matches every request that reached the route. Otherwise any block (OR). */
  readonly match: readonly CompiledMatchBlock[] | null;
  readonly destinations: readonly CompiledDestination[];
  /** Cumulative integer weights: destination i is picked when r * weightTotal < cumulative[i]. */
  readonly cumulative: readonly number[];
  readonly weightTotal: number;
  readonly timeoutMs: number | null;
  readonly rewrite: CompiledRewrite | null;
  readonly requestHeaders: CompiledHeaderOps | null;
  readonly responseHeaders: CompiledHeaderOps | null;
  /** The rule answers itself with a redirect or a fixed response; it has no destinations then. */
  readonly redirect: CompiledRedirect | null;
  readonly directResponse: CompiledDirectResponse | null;
  /** Picks the weighted side by a request attribute's hash instead of at random. */
  readonly sticky: CompiledSticky | null;
  readonly mirror: CompiledMirror | null;
  readonly fault: CompiledFault | null;
}

export type HostMatcher =
  | { readonly kind: "exact"; readonly value: string }
  /** `*.example.com`: suffix is ".example.com"; needs at least one label before it. */
  | { readonly kind: "wildcard"; readonly suffix: string }
  | { readonly kind: "any" };

export interface CompiledRoute {
  readonly name: string;
  readonly priority: number;
  readonly hosts: readonly HostMatcher[];
  readonly pathType: "prefix" | "exact" | "regex";
  readonly pathValue: string;
  readonly pathRegex: RegExp | null;
  /** The regex as written (for indexing by its literal head); null for prefix and exact paths. */
  readonly pathRegexSource: string | null;
  readonly methods: ReadonlySet<string> | null;
  readonly stripPath: boolean;
  /** Largest request body in bytes; null: no limit. */
  readonly maxBodyBytes: number | null;
  /** Served over HTTPS only; null: served on both listeners. */
  readonly httpsRedirect: CompiledHttpsRedirect | null;
  readonly rules: readonly CompiledRule[];
  /** One match result per rule, built once so matching allocates nothing. */
  readonly results: readonly RouteMatch[];
}

/** One (route, host pattern) pair, in match order. A route with several hosts has several entries. */
export interface RouteEntry {
  readonly route: CompiledRoute;
  readonly host: HostMatcher;
}

export interface CompiledConfig {
  /** settings.trustedProxies as written (CIDRs); empty: no proxy is trusted. */
  readonly trustedProxies: readonly string[];
  /** settings.httpsRedirect; null when none. */
  readonly httpsRedirect: CompiledGlobalHttpsRedirect | null;
  /** Entries sorted by priority, then host specificity, then path specificity, then config order. */
  readonly entries: readonly RouteEntry[];
  readonly routes: readonly CompiledRoute[];
  /** All destinations of all rules (mirrors included), indexed by `CompiledDestination.id`. */
  readonly destinations: readonly CompiledDestination[];
  /** Candidate lookup by host and first path segment; null for small tables (a scan is faster). */
  readonly index: RouteIndex | null;
}

export interface MatchRequest {
  method: string;
  /** Host header value (may carry a port); null or "" when absent. */
  host: string | null | undefined;
  /** Canonical path (see canonicalizePath). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  query: URLSearchParams | null;
}

export interface RouteMatch {
  readonly route: CompiledRoute;
  readonly rule: CompiledRule;
  readonly ruleIndex: number;
}

export type { StringMatch };
