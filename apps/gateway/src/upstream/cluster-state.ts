import { C_ACTIVE, C_LOCK, C_RETRIES, incrementBelow, type UpstreamMemory } from "./upstream-memory.ts";
import { SlotRegistry } from "./slot-registry.ts";

/**
 * Counters of one destination cluster ("service" or "service/subset"), kept across configs and
 * shared by every worker of the process through its slot in the upstream memory (a key the
 * supervisor gave no slot has private counters instead).
 */
export class ClusterState {
  private readonly i32: Int32Array;
  private readonly at: number;
  private readonly tally: Int32Array;
  private readonly tallyAt: number;
  private readonly owner: number;

  constructor(memory: UpstreamMemory, slot: number, worker: number) {
    this.i32 = memory.i32;
    this.at = memory.clusterAt(slot);
    this.tally = memory.tally;
    this.tallyAt = memory.clusterTallyAt(slot);
    this.owner = worker + 1;
  }

  /** Requests in flight in the whole process (Istio http2MaxRequests counts these). */
  get active(): number {
    return Atomics.load(this.i32, this.at + C_ACTIVE);
  }

  /** Retries in flight or waiting out their backoff, in the whole process (retry budget). */
  get retries(): number {
    return Atomics.load(this.i32, this.at + C_RETRIES);
  }

  /**
   * Counts a request in flight unless `max` already are: compare-and-swap, so all workers
   * together admit exactly `max`, never one more.
   */
  tryAcquire(max: number): boolean {
    if (!incrementBelow(this.i32, this.at + C_ACTIVE, max)) return false;
    this.tally[this.tallyAt]!++;
    return true;
  }

  release(): void {
    Atomics.sub(this.i32, this.at + C_ACTIVE, 1);
    this.tally[this.tallyAt]!--;
  }

  retryBegin(): void {
    Atomics.add(this.i32, this.at + C_RETRIES, 1);
    this.tally[this.tallyAt + 1]!++;
  }

  retryEnd(): void {
    Atomics.sub(this.i32, this.at + C_RETRIES, 1);
    this.tally[this.tallyAt + 1]!--;
  }

  /** One outlier ejection decision at a time for this cluster, across workers; false: taken. */
  tryLock(): boolean {
    return Atomics.compareExchange(this.i32, this.at + C_LOCK, 0, this.owner) === 0;
  }

  unlock(): void {
    Atomics.store(this.i32, this.at + C_LOCK, 0);
  }
}

/** Cluster counters of one worker, by cluster key ("service" or "service/subset"). */
export class ClusterRegistry extends SlotRegistry<ClusterState> {
  /** `memory` null: every cluster gets private counters (a worker without shared memory). */
  constructor(memory: UpstreamMemory | null = null, worker = 0) {
    super("clusters", memory, worker);
  }

  protected create(_key: string, memory: UpstreamMemory, slot: number, worker: number): ClusterState {
    return new ClusterState(memory, slot, worker);
  }
}
