import type { Route, StringMatch } from "@switchyard/config";

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
  readonly loadBalancer: "round-robin" | "least-request" | "random";
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
  readonly methods: ReadonlySet<string> | null;
  readonly stripPath: boolean;
  readonly rules: readonly CompiledRule[];
}

/** One (route, host pattern) pair, in match order. A route with several hosts has several entries. */
export interface RouteEntry {
  readonly route: CompiledRoute;
  readonly host: HostMatcher;
}

export interface CompiledConfig {
  /** Entries sorted by priority, then host specificity, then path specificity, then config order. */
  readonly entries: readonly RouteEntry[];
  readonly routes: readonly CompiledRoute[];
  /** All destinations of all rules, indexed by `CompiledDestination.id`. */
  readonly destinations: readonly CompiledDestination[];
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
  route: CompiledRoute;
  rule: CompiledRule;
  ruleIndex: number;
}

export type { StringMatch };
