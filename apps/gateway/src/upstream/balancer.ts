import type { CompiledDestination } from "@switchyard/routing";
import { buildMaglev, buildRing, type HashTable } from "./hash-table.ts";
import type { HostState } from "./host-state.ts";
import { wallClock } from "../event-clock.ts";

/**
 * Chooses a target of one destination among the available ones (not ejected by outlier
 * detection, not failing active health checks). Built once per config; host state is shared
 * across configs. Below minHealthPercent available hosts, ejections are ignored (panic).
 */
export class Balancer {
  private readonly dest: CompiledDestination;
  readonly hosts: readonly HostState[];
  private readonly weights: Int32Array;
  /** Smooth weighted round robin (nginx): current weights. */
  private readonly current: Int32Array;
  private readonly equalWeights: boolean;
  private next = 0;
  private readonly table: HashTable | null;
  private readonly minHealthPercent: number;
  /** Availability per target for the pick in progress (reused, no per-request allocation). */
  private readonly up: Uint8Array;
  private readonly isUp = (i: number): boolean => this.up[i] === 1;

  constructor(dest: CompiledDestination, hosts: readonly HostState[]) {
    this.dest = dest;
    this.hosts = hosts;
    const ts = dest.targets;
    this.weights = Int32Array.from(ts.map((t) => t.weight));
    this.current = new Int32Array(ts.length);
    this.equalWeights = ts.every((t) => t.weight === ts[0]!.weight);
    this.up = new Uint8Array(ts.length);
    this.minHealthPercent = dest.outlier?.minHealthPercent ?? 0;
    this.table = dest.loadBalancer !== "consistent-hash" || ts.length === 0
      ? null
      : dest.hashAlgorithm === "maglev" ? buildMaglev(ts) : buildRing(ts);
  }

  /**
   * Index into dest.targets, or -1 when no target is available. `hash` is the request's key for
   * consistent hashing; `avoid` a target to skip when another one is available (retries).
   */
  pick(hash: number, avoid: number): number {
    const n = this.hosts.length;
    if (n === 0) return -1;
    const all = this.markAvailable(avoid);
    if (all === 0) return -1;
    if (n === 1) return 0;
    switch (this.dest.loadBalancer) {
      case "random":
        return this.weightedRandom(all === n);
      case "least-request": {
        // Power of two choices: two random targets, the one with fewer requests in flight.
        const a = this.weightedRandom(all === n), b = this.weightedRandom(all === n);
        return this.hosts[b]!.inflight < this.hosts[a]!.inflight ? b : a;
      }
      case "consistent-hash":
        return this.table!.lookup(hash, this.isUp);
      default:
        return this.roundRobin(all === n);
    }
  }

  /** Fills `up`; returns how many targets may take the request. */
  private markAvailable(avoid: number): number {
    const hosts = this.hosts;
    const n = hosts.length;
    const now = wallClock();
    let count = 0;
    for (let i = 0; i < n; i++) {
      const h = hosts[i]!;
      const ok = h.healthy && !h.isEjected(now) ? 1 : 0;
      this.up[i] = ok;
      count += ok;
    }
    if (count < n && this.minHealthPercent > 0 && (count * 100) / n < this.minHealthPercent) {
      // Panic: too few hosts left to trust the verdicts; spread over all of them.
      this.up.fill(1);
      count = n;
    }
    if (avoid >= 0 && count > 1 && this.up[avoid] === 1) {
      this.up[avoid] = 0;
      count--;
    }
    return count;
  }

  private roundRobin(allUp: boolean): number {
    const n = this.hosts.length;
    if (this.equalWeights) {
      for (let k = 0; k < n; k++) {
        const i = this.next;
        this.next = i + 1 === n ? 0 : i + 1;
        if (allUp || this.up[i] === 1) return i;
      }
      return -1;
    }
    let best = -1, total = 0;
    const w = this.weights, cur = this.current;
    for (let i = 0; i < n; i++) {
      if (!allUp && this.up[i] === 0) continue;
      cur[i]! += w[i]!;
      total += w[i]!;
      if (best === -1 || cur[i]! > cur[best]!) best = i;
    }
    if (best !== -1) cur[best]! -= total;
    return best;
  }

  private weightedRandom(allUp: boolean): number {
    const ts = this.dest.targets;
    let total = this.dest.targetWeightTotal;
    if (!allUp) {
      total = 0;
      for (let i = 0; i < ts.length; i++) if (this.up[i] === 1) total += ts[i]!.weight;
    }
    let x = Math.random() * total;
    let last = -1;
    for (let i = 0; i < ts.length; i++) {
      if (!allUp && this.up[i] === 0) continue;
      last = i;
      x -= ts[i]!.weight;
      if (x < 0) return i;
    }
    return last;
  }
}
