import { Pool } from "undici";
import type { CompiledDestination, CompiledTarget } from "@switchyard/routing";
import { ClusterRegistry } from "./cluster-state.ts";
import { HostRegistry } from "./host-state.ts";
import type { H1Callbacks } from "./h1-connection.ts";
import { H1Pool } from "./h1-pool.ts";
import type { UpstreamMemory, UpstreamSlotMap } from "./upstream-memory.ts";
import { H2Pool, type H2Callbacks } from "./h2-pool.ts";
import { tlsConnector } from "./tls-connector.ts";
import { tlsOrigin, upstreamTlsOptions, type UpstreamTlsOptions } from "./tls-options.ts";

/** Longest pause between two upstream body reads on the lean client. */
const BODY_IDLE_TIMEOUT_MS = 300_000;

/** Time a pool no longer used by the current table stays open, for requests still running on it. */
const RETIRE_AFTER_MS = 30_000;

/**
 * Keep-alive connection pools to upstream targets, one per (origin, connection settings),
 * shared across config versions so a config push never drops warm connections.
 */
export class PoolRegistry {
  private readonly pools = new Map<string, Pool>();
  /** Lean HTTP/1.1 pools, by the same keys; used for requests whose body is absent or buffered. */
  private readonly h1Pools = new Map<string, H1Pool>();
  /** Set by the proxy before the first table is built; without it there are no lean pools. */
  h1Callbacks: H1Callbacks | null = null;
  h1DropResponse: ReadonlySet<string> = new Set();
  /** Per-host state (in flight, connection permits, outlier ejection; shared by the process's workers) and health, across configs. */
  readonly hosts: HostRegistry;
  /** Per-cluster counters (active requests, retries; shared by the process's workers), across configs. */
  readonly clusters: ClusterRegistry;
  /** HTTP/2 pools (destinations with h2UpgradePolicy UPGRADE), by the same keys. */
  private readonly h2Pools = new Map<string, H2Pool>();
  /** Set by the proxy before the first table is built; without it there are no HTTP/2 pools. */
  h2Callbacks: H2Callbacks | null = null;
  private readonly retiring = new Map<string, NodeJS.Timeout>();

  /** `memory`: the process's shared upstream memory as worker `worker` sees it; null: private state. */
  constructor(memory: UpstreamMemory | null = null, worker = 0) {
    this.hosts = new HostRegistry(memory, worker);
    this.clusters = new ClusterRegistry(memory, worker);
  }

  /** Slots the supervisor assigned; call before building a table for a config. */
  useSlots(map: UpstreamSlotMap | undefined): void {
    this.hosts.useSlots(map);
    this.clusters.useSlots(map);
  }

  static key(target: CompiledTarget, dest: CompiledDestination): string {
    const p = dest.pool;
    const h2 = p.http2 ? `|h2|${p.maxConcurrentStreams}|${p.maxPending}` : "";
    const tls = dest.tls === null ? "" : `|tls|${dest.tls.key}`;
    return `${target.origin}|${p.connectTimeoutMs}|${dest.idleTimeoutMs ?? ""}|${p.maxConnections}|${p.maxRequestsPerConnection}${h2}${tls}`;
  }

  /** The TLS options of a target whose destination speaks TLS, else null; made once per pool. */
  static tls(target: CompiledTarget, dest: CompiledDestination): UpstreamTlsOptions | null {
    return dest.tls === null ? null : upstreamTlsOptions(dest.tls, target.host);
  }

  /** Where the pools connect: the target's origin, as https: when its destination speaks TLS. */
  static connectOrigin(target: CompiledTarget, dest: CompiledDestination): string {
    return dest.tls === null ? target.origin : tlsOrigin(target.origin);
  }

  get(target: CompiledTarget, dest: CompiledDestination): Pool {
    const key = PoolRegistry.key(target, dest);
    const timer = this.retiring.get(key);
    if (timer) { clearTimeout(timer); this.retiring.delete(key); }
    let pool = this.pools.get(key);
    if (!pool) {
      const limits = dest.pool;
      const tls = PoolRegistry.tls(target, dest);
      pool = new Pool(PoolRegistry.connectOrigin(target, dest), {
        connect: tls === null ? { timeout: limits.connectTimeoutMs } : tlsConnector(tls, limits.connectTimeoutMs),
        // tcp.maxConnections; requests beyond it wait in the pool's queue (http1MaxPendingRequests).
        connections: Number.isFinite(limits.maxConnections) ? limits.maxConnections : null,
        ...(limits.maxRequestsPerConnection > 0 ? { maxRequestsPerClient: limits.maxRequestsPerConnection } : {}),
        keepAliveTimeout: dest.idleTimeoutMs ?? 4_000,
        keepAliveMaxTimeout: 600_000,
        // Upstream timeouts are set per request from the route.
        headersTimeout: 0,
        bodyTimeout: 0,
        pipelining: 1,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** The HTTP/2 pool of a target whose destination speaks HTTP/2, else null. */
  h2(target: CompiledTarget, dest: CompiledDestination): H2Pool | null {
    if (this.h2Callbacks === null || !dest.pool.http2) return null;
    const key = PoolRegistry.key(target, dest);
    let pool = this.h2Pools.get(key);
    if (!pool) {
      const limits = dest.pool;
      pool = new H2Pool({
        origin: PoolRegistry.connectOrigin(target, dest),
        tls: PoolRegistry.tls(target, dest),
        connectTimeoutMs: limits.connectTimeoutMs,
        maxConnections: Number.isFinite(limits.maxConnections) ? limits.maxConnections : Infinity,
        maxPending: limits.maxPending,
        limits: this.hosts.get(target.origin),
        maxConcurrentStreams: limits.maxConcurrentStreams,
        maxRequestsPerConnection: limits.maxRequestsPerConnection,
        idleTimeoutMs: dest.idleTimeoutMs ?? 60_000,
        bodyIdleTimeoutMs: BODY_IDLE_TIMEOUT_MS,
      }, this.h2Callbacks);
      this.h2Pools.set(key, pool);
    }
    return pool;
  }

  /** The lean pool for an HTTP/1.1 target (plain or TLS), or null (no callbacks set, or HTTP/2). */
  h1(target: CompiledTarget, dest: CompiledDestination): H1Pool | null {
    if (this.h1Callbacks === null || dest.pool.http2) return null;
    const key = PoolRegistry.key(target, dest);
    let pool = this.h1Pools.get(key);
    if (!pool) {
      const limits = dest.pool;
      pool = new H1Pool({
        host: target.host.startsWith("[") ? target.host.slice(1, -1) : target.host,
        port: target.port,
        connectTimeoutMs: limits.connectTimeoutMs,
        maxConnections: Number.isFinite(limits.maxConnections) ? limits.maxConnections : Infinity,
        maxRequestsPerConnection: limits.maxRequestsPerConnection,
        idleTimeoutMs: dest.idleTimeoutMs ?? 4_000,
        bodyIdleTimeoutMs: BODY_IDLE_TIMEOUT_MS,
        tls: PoolRegistry.tls(target, dest),
      }, this.h1Callbacks, this.h1DropResponse);
      this.h1Pools.set(key, pool);
    }
    return pool;
  }

  /** Closes, after a grace period, the pools the current table doesn't use. */
  retainOnly(keys: ReadonlySet<string>): void {
    for (const [key, pool] of this.pools) {
      if (keys.has(key) || this.retiring.has(key)) continue;
      const timer = setTimeout(() => {
        this.retiring.delete(key);
        this.pools.delete(key);
        void pool.close().catch(() => {});
        this.h1Pools.get(key)?.close();
        this.h1Pools.delete(key);
        this.h2Pools.get(key)?.close();
        this.h2Pools.delete(key);
      }, RETIRE_AFTER_MS);
      timer.unref();
      this.retiring.set(key, timer);
    }
  }

  async closeAll(): Promise<void> {
    for (const t of this.retiring.values()) clearTimeout(t);
    this.retiring.clear();
    const pools = [...this.pools.values()];
    this.pools.clear();
    for (const p of this.h1Pools.values()) p.destroy();
    this.h1Pools.clear();
    for (const p of this.h2Pools.values()) p.destroy();
    this.h2Pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => {})));
  }
}
