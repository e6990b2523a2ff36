import type { GatewayConfig } from "@switchyard/config";
import { targetOrigin } from "@switchyard/routing";
import type { Logger } from "../log.ts";
import {
  C_ACTIVE, C_LOCK, C_RETRIES, createUpstreamShared, STATE_EJECTING, STATE_IN_SERVICE, T_ACTIVE, T_H2_QUEUED, T_H2_SESSIONS, T_QUEUED, T_STATE, TARGET_TALLIED,
  UpstreamMemory, type UpstreamSharedInit, type UpstreamSlotMap,
} from "../upstream/upstream-memory.ts";

/** Default capacity: far more clusters and targets than a config has; ~1 MB plus 160 KB per worker. */
const CLUSTERS = 4096;
const TARGETS = 16384;

/**
 * The supervisor's side of the shared upstream memory: assigns a slot to every cluster key and
 * target origin a config names (new keys get new slots, known keys keep theirs, so state
 * survives config versions), and takes a crashed worker's share back out of the counters.
 */
export class UpstreamSlots {
  readonly init: UpstreamSharedInit;
  private readonly memory: UpstreamMemory;
  private readonly map: UpstreamSlotMap = { clusters: {}, targets: {} };
  private clusterCount = 0;
  private targetCount = 0;
  private warned = false;
  private readonly log: Logger | null;

  constructor(workers: number, log: Logger | null = null, capacity: { clusters?: number; targets?: number } = {}) {
    this.init = createUpstreamShared(capacity.clusters ?? CLUSTERS, capacity.targets ?? TARGETS, workers);
    this.memory = new UpstreamMemory(this.init, -1);
    this.log = log;
  }

  /** Slots for every cluster and target of `config`; the map a worker needs to build its table. */
  assign(config: GatewayConfig | null): UpstreamSlotMap {
    for (const service of config?.services ?? []) {
      this.cluster(service.name);
      for (const subset of service.subsets ?? []) this.cluster(`${service.name}/${subset.name}`);
      for (const t of service.targets) this.target(targetOrigin(t.host, t.port));
    }
    return this.map;
  }

  private cluster(key: string): void {
    if (this.map.clusters[key] !== undefined) return;
    if (this.clusterCount >= this.init.clusters) return this.full();
    this.map.clusters[key] = this.clusterCount++;
  }

  private target(key: string): void {
    if (this.map.targets[key] !== undefined) return;
    if (this.targetCount >= this.init.targets) return this.full();
    this.map.targets[key] = this.targetCount++;
  }

  private full(): void {
    if (this.warned) return;
    this.warned = true;
    this.log?.("warn", `shared upstream state is full (${this.init.clusters} clusters, ${this.init.targets} targets); newer ones get per-worker circuit breakers and outlier detection`);
  }

  /**
   * A worker exited: what it still held (requests in flight, retries, connection permits, queued
   * requests, HTTP/2 sessions and waiting streams, an ejection lock or an ejection half done) is taken out, so nothing leaks.
   * Waiting workers are woken, since permits may have come free.
   */
  reclaim(worker: number): void {
    if (worker < 0 || worker >= this.init.workers) return;
    const m = this.memory, i32 = m.i32, tally = m.tally;
    const base = worker * m.tallyInts;
    for (let c = 0; c < this.clusterCount; c++) {
      const at = m.clusterAt(c), t = base + m.clusterTallyAt(c);
      if (tally[t] !== 0) Atomics.sub(i32, at + C_ACTIVE, tally[t]!);
      if (tally[t + 1] !== 0) Atomics.sub(i32, at + C_RETRIES, tally[t + 1]!);
      tally[t] = 0;
      tally[t + 1] = 0;
      Atomics.compareExchange(i32, at + C_LOCK, worker + 1, 0);
    }
    for (let s = 0; s < this.targetCount; s++) {
      const at = m.targetAt(s), t = base + m.targetTallyAt(s);
      for (let k = 0; k < TARGET_TALLIED.length; k++) {
        if (tally[t + k] !== 0) Atomics.sub(i32, at + TARGET_TALLIED[k]!, tally[t + k]!);
        tally[t + k] = 0;
      }
      Atomics.compareExchange(i32, at + T_STATE, STATE_EJECTING + worker, STATE_IN_SERVICE);
      Atomics.notify(i32, at + T_ACTIVE);
    }
  }

  /** Process-wide counters of a cluster, for tests and diagnostics. */
  clusterCounts(key: string): { active: number; retries: number } | null {
    const slot = this.map.clusters[key];
    if (slot === undefined) return null;
    const at = this.memory.clusterAt(slot);
    return { active: Atomics.load(this.memory.i32, at + C_ACTIVE), retries: Atomics.load(this.memory.i32, at + C_RETRIES) };
  }

  /** Process-wide counters of a target, for tests and diagnostics. */
  targetCounts(originKey: string): { active: number; queued: number; h2Sessions: number; h2Queued: number } | null {
    const slot = this.map.targets[originKey];
    if (slot === undefined) return null;
    const at = this.memory.targetAt(slot), i32 = this.memory.i32;
    return {
      active: Atomics.load(i32, at + T_ACTIVE), queued: Atomics.load(i32, at + T_QUEUED),
      h2Sessions: Atomics.load(i32, at + T_H2_SESSIONS), h2Queued: Atomics.load(i32, at + T_H2_QUEUED),
    };
  }
}
