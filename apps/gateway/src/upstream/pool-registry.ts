import { Pool } from "undici";
import type { CompiledDestination, CompiledTarget } from "@switchyard/routing";
import { ClusterRegistry } from "./cluster-state.ts";
import { HostRegistry } from "./host-state.ts";

/** Time a pool no longer used by the current table stays open, for requests still running on it. */
const RETIRE_AFTER_MS = 30_000;

/**
 * Keep-alive connection pools to upstream targets, one per (origin, connection settings),
 * shared across config versions so a config push never drops warm connections.
 */
export class PoolRegistry {
  private readonly pools = new Map<string, Pool>();
  /** Per-host state (in flight, outlier ejection, health) of this worker, across configs. */
  readonly hosts = new HostRegistry();
  /** Per-cluster counters (active requests, retries) of this worker, across configs. */
  readonly clusters = new ClusterRegistry();
  private readonly retiring = new Map<string, NodeJS.Timeout>();

  static key(target: CompiledTarget, dest: CompiledDestination): string {
    const p = dest.pool;
    return `${target.origin}|${p.connectTimeoutMs}|${dest.idleTimeoutMs ?? ""}|${p.maxConnections}|${p.maxRequestsPerConnection}`;
  }

  get(target: CompiledTarget, dest: CompiledDestination): Pool {
    const key = PoolRegistry.key(target, dest);
    const timer = this.retiring.get(key);
    if (timer) { clearTimeout(timer); this.retiring.delete(key); }
    let pool = this.pools.get(key);
    if (!pool) {
      const limits = dest.pool;
      pool = new Pool(target.origin, {
        connect: { timeout: limits.connectTimeoutMs },
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

  /** Closes, after a grace period, the pools the current table doesn't use. */
  retainOnly(keys: ReadonlySet<string>): void {
    for (const [key, pool] of this.pools) {
      if (keys.has(key) || this.retiring.has(key)) continue;
      const timer = setTimeout(() => {
        this.retiring.delete(key);
        this.pools.delete(key);
        void pool.close().catch(() => {});
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
    await Promise.all(pools.map((p) => p.destroy().catch(() => {})));
  }
}
