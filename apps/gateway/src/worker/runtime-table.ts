import type { Pool } from "undici";
import { compileConfig, type CompiledConfig, type CompiledDestination } from "@switchyard/routing";
import type { Snapshot } from "@switchyard/config";
import { Balancer } from "../upstream/balancer.ts";
import type { ClusterState } from "../upstream/cluster-state.ts";
import { TrustedProxies } from "@switchyard/config/client-address";
import { PoolRegistry } from "../upstream/pool-registry.ts";
import type { H1Pool } from "../upstream/h1-pool.ts";
import type { H2Pool } from "../upstream/h2-pool.ts";
import type { UpstreamTlsOptions } from "../upstream/tls-options.ts";
import type { RequestStats, StatSlot } from "./request-stats.ts";
import type { EventCell, EventCounters } from "./event-counters.ts";
import { compilePolicies, type CompiledPolicies } from "../policies/compile-policies.ts";
import { dryRunPolicyRuntime, type PolicyRuntime } from "../policies/policy-runtime.ts";
import type { TracingRuntime, TracingSettings } from "../tracing/tracing-runtime.ts";
import { buildTlsContexts, type TlsContexts } from "./tls-contexts.ts";

export interface DestinationRuntime {
  readonly dest: CompiledDestination;
  readonly balancer: Balancer;
  readonly cluster: ClusterState;
  /** Aligned with dest.targets. */
  readonly pools: readonly Pool[];
  /** Lean HTTP/1.1 pools aligned with dest.targets (null entries: undici only). */
  readonly h1: readonly (H1Pool | null)[];
  /** HTTP/2 pools aligned with dest.targets (null entries: HTTP/1.1). */
  readonly h2: readonly (H2Pool | null)[];
  /** TLS options aligned with dest.targets, for connections made outside the pools (WebSocket upgrades); null: plain. */
  readonly tls: readonly (UpstreamTlsOptions | null)[];
  readonly slot: StatSlot;
  /** Retries sent to this destination (labels route, service, subset). */
  readonly retries: EventCell;
  /** Outlier ejections per target, aligned with dest.targets (labels service, subset, target). */
  readonly ejections: readonly EventCell[];
}

/** What a worker serves with: the compiled table plus the runtime state built once per config. */
export interface RuntimeTable {
  readonly version: number;
  readonly hash: string;
  readonly table: CompiledConfig;
  /** Indexed by CompiledDestination.id. */
  readonly destinations: readonly DestinationRuntime[];
  /** Whether any rule tests the query string (otherwise it is never parsed). */
  readonly needsQuery: boolean;
  readonly unroutedSlot: StatSlot;
  /** Slots for responses a rule makes itself (redirects, direct responses, fault aborts), by route name. */
  readonly routeSlots: ReadonlyMap<string, StatSlot>;
  /** Edge policies compiled for this config; null when it has none. */
  readonly policies: CompiledPolicies | null;
  /** Stats id (RequestStats.consumerId) of each consumer, by CompiledConsumer.index. */
  readonly consumerIds: Int32Array;
  /** settings.trustedProxies; null when no proxy is trusted. */
  readonly trustedProxies: TrustedProxies | null;
  /** settings.tracing: sample ratio for new traces and where spans go (sink null: not exported). */
  readonly tracing: TracingSettings;
  /** The worker's event counters (rate-limited and auth-rejected responses are counted per request). */
  readonly events: EventCounters;
  /** Certificates of the HTTPS listener; null in a worker without one. */
  readonly tls: TlsContexts | null;
}

export interface RuntimeTableOptions {
  /** Build TLS contexts (the worker has an HTTPS listener). */
  tls?: boolean;
  /** The table being replaced: unchanged certificates keep their contexts. */
  previous?: RuntimeTable | null;
  /** The worker's span export; switched to the new settings on commit. */
  tracing?: TracingRuntime | null;
}

/** Compiles and swaps in one step (a worker's first config, a replacement worker's catch-up). */
export function buildRuntimeTable(
  snapshot: Snapshot | null, pools: PoolRegistry, stats: RequestStats, policyRuntime: PolicyRuntime = dryRunPolicyRuntime, options: RuntimeTableOptions = {},
): RuntimeTable {
  const prepared = prepareRuntimeTable(snapshot, pools, stats, policyRuntime, options);
  prepared.commit();
  return prepared.table;
}

/**
 * Compiles the runtime table without disturbing the one being served: `commit` (called when it
 * is swapped in) closes the upstream pools the new table no longer uses and switches the span
 * exporter to the new settings. Throws what the compile throws, so a config every worker
 * refuses is never half applied.
 */
export function prepareRuntimeTable(
  snapshot: Snapshot | null, pools: PoolRegistry, stats: RequestStats, policyRuntime: PolicyRuntime = dryRunPolicyRuntime, options: RuntimeTableOptions = {},
): { table: RuntimeTable; commit(): void } {
  const table = compileConfig(snapshot?.config ?? { services: [], routes: [] });
  // Before any shared state changes: a certificate Node can't load fails the swap here.
  const tls = options.tls === true ? buildTlsContexts(snapshot?.config.certificates ?? [], options.previous?.tls ?? null) : null;
  const policies = compilePolicies(snapshot?.config ?? { services: [], routes: [] }, table, policyRuntime);
  const used = new Set<string>();
  const routeOf = new Map<number, string>();
  for (const route of table.routes) for (const rule of route.rules) for (const d of rule.destinations) routeOf.set(d.id, route.name);

  // Balancer, pools and ejection counters belong to the cluster (as in Envoy), not to each
  // route sending there: built once per cluster, so a table of thousands of routes over a few
  // services builds a few of them.
  const clusters = new Map<string, Pick<DestinationRuntime, "balancer" | "cluster" | "pools" | "h1" | "h2" | "tls" | "ejections">>();
  const destinations = table.destinations.map((dest): DestinationRuntime => {
    let shared = clusters.get(dest.cluster);
    if (shared === undefined) {
      for (const t of dest.targets) used.add(PoolRegistry.key(t, dest));
      shared = {
        balancer: new Balancer(dest, dest.targets.map((t) => pools.hosts.get(t.origin))),
        cluster: pools.clusters.get(dest.cluster),
        pools: dest.targets.map((t) => pools.get(t, dest)),
        h1: dest.targets.map((t) => pools.h1(t, dest)),
        h2: dest.targets.map((t) => pools.h2(t, dest)),
        tls: dest.targets.map((t) => PoolRegistry.tls(t, dest)),
        ejections: dest.targets.map((t) => stats.events.cell("ejections", [dest.service, dest.subset, t.authority])),
      };
      clusters.set(dest.cluster, shared);
    }
    const slot = stats.slot(routeOf.get(dest.id) ?? "", dest.service, dest.subset);
    return { dest, ...shared, slot, retries: slot.retries };
  });
  const settings = snapshot?.config.settings?.tracing;
  const needsQuery = table.routes.some((r) => r.rules.some((rule) => rule.match?.some((b) => b.query.length > 0) ?? false));
  const runtime: RuntimeTable = {
    version: snapshot?.version ?? 0,
    hash: snapshot?.hash ?? "",
    table,
    destinations,
    needsQuery,
    unroutedSlot: stats.slot("", "", ""),
    routeSlots: new Map(table.routes.filter((r) => r.httpsRedirect !== null || r.rules.some((rule) => rule.redirect !== null || rule.directResponse !== null || rule.fault !== null) || policies?.routes.has(r.name))
      .map((r) => [r.name, stats.slot(r.name, "", "")])),
    policies,
    consumerIds: Int32Array.from(policies?.directory.consumers ?? [], (c) => stats.consumerId(c.username)),
    trustedProxies: table.trustedProxies.length > 0 ? new TrustedProxies(table.trustedProxies) : null,
    events: stats.events,
    tls,
    // Without export until commit: a config that is discarded never touches the running exporter.
    tracing: { sampleRatio: settings?.sampleRatio ?? 1, sink: null },
  };
  const tracing = options.tracing ?? null;
  return {
    table: runtime,
    commit() {
      pools.retainOnly(used);
      if (tracing !== null) (runtime as { tracing: TracingSettings }).tracing = tracing.configure(settings);
    },
  };
}

/** The slot a response the route's rule makes itself is counted in (the unrouted one for a route without one). */
export function routeSlot(rt: RuntimeTable, route: string): StatSlot {
  return rt.routeSlots.get(route) ?? rt.unroutedSlot;
}
