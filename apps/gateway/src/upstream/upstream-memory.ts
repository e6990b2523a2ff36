/**
 * Upstream state every worker thread of a gateway process shares, as Envoy shares a cluster's
 * circuit-breaker resources and outlier detection between its worker threads: one
 * SharedArrayBuffer, made by the supervisor, with a slot per cluster key and per target origin
 * (assigned by the supervisor, stable across config versions).
 *
 * Layout (Int32 unless noted):
 *   clusters × C_FIELDS | targets × T_FIELDS | targets × B_FIELDS (BigInt64, epoch ms) | workers × tally
 * A worker's tally region counts what it holds of each counter that is released later (requests
 * in flight, retries, connection permits, queued requests, HTTP/2 sessions), so that the supervisor can take a
 * crashed worker's share back out of the totals.
 */

/** Requests in flight to the cluster (http2MaxRequests). */
export const C_ACTIVE = 0;
/** Retries in flight or waiting out their backoff (retry budget). */
export const C_RETRIES = 1;
/** Outlier ejection lock (worker index + 1 while held), so maxEjectionPercent holds across workers. */
export const C_LOCK = 2;
export const C_FIELDS = 4;

/** Requests sent on a connection to the target (at most tcp.maxConnections). */
export const T_ACTIVE = 0;
/** Requests waiting for one of those connections (at most http1MaxPendingRequests). */
export const T_QUEUED = 1;
export const T_CONSECUTIVE_5XX = 2;
export const T_CONSECUTIVE_GATEWAY = 3;
/** 0 in service, 1 ejected (until B_UNTIL), 2 + worker index while that worker is ejecting it. */
export const T_STATE = 4;
/** Ejection multiplier: base ejection time × this. */
export const T_EJECTIONS = 5;
/** HTTP/2 connections (sessions) open or opening to the target (tcp.maxConnections). */
export const T_H2_SESSIONS = 6;
/** Requests waiting for a free HTTP/2 stream to the target (http1MaxPendingRequests). */
export const T_H2_QUEUED = 7;
export const T_FIELDS = 8;

/** Epoch ms the ejection ends. */
export const B_UNTIL = 0;
/** Epoch ms the multiplier was last brought up to date (ejected, or back in service). */
export const B_SINCE = 1;
export const B_FIELDS = 2;

/** Tally fields per cluster (C_ACTIVE, C_RETRIES, two unused) and per target (TARGET_TALLIED). */
export const TALLY_FIELDS = 4;
/** A target's tally fields: the worker's share of T_ACTIVE, T_QUEUED, T_H2_SESSIONS and T_H2_QUEUED. */
export const TALLY_ACTIVE = 0, TALLY_QUEUED = 1, TALLY_H2_SESSIONS = 2, TALLY_H2_QUEUED = 3;
/** The target counter each tally field counts a share of, by tally field (what a crashed worker's share is taken out of). */
export const TARGET_TALLIED: readonly number[] = [T_ACTIVE, T_QUEUED, T_H2_SESSIONS, T_H2_QUEUED];

export const STATE_IN_SERVICE = 0;
export const STATE_EJECTED = 1;
export const STATE_EJECTING = 2;

/** What the supervisor hands every worker (plain data: passes workerData). */
export interface UpstreamSharedInit {
  buffer: SharedArrayBuffer;
  clusters: number;
  targets: number;
  workers: number;
}

/** Slot of every cluster key and target origin the supervisor has seen; only ever grows. */
export interface UpstreamSlotMap {
  clusters: Record<string, number>;
  targets: Record<string, number>;
}

function layout(clusters: number, targets: number) {
  const ints = clusters * C_FIELDS + targets * T_FIELDS;
  const bigOffset = Math.ceil((ints * 4) / 8) * 8;
  const tallyOffset = bigOffset + targets * B_FIELDS * 8;
  const tallyInts = (clusters + targets) * TALLY_FIELDS;
  return { ints, bigOffset, tallyOffset, tallyInts };
}

export function createUpstreamShared(clusters: number, targets: number, workers: number): UpstreamSharedInit {
  const l = layout(clusters, targets);
  return { buffer: new SharedArrayBuffer(l.tallyOffset + workers * l.tallyInts * 4), clusters, targets, workers };
}

/** A view of the shared memory as one worker (or the supervisor) uses it. */
export class UpstreamMemory {
  readonly i32: Int32Array;
  readonly big: BigInt64Array;
  /** This worker's tally region (whole tally area for the supervisor, worker -1). */
  readonly tally: Int32Array;
  readonly clusters: number;
  readonly targets: number;
  private readonly init: UpstreamSharedInit;

  /** `worker`: the worker index whose tally region this view writes; -1 for the supervisor (all regions). */
  constructor(init: UpstreamSharedInit, worker: number) {
    const l = layout(init.clusters, init.targets);
    this.init = init;
    this.i32 = new Int32Array(init.buffer, 0, l.ints);
    this.big = new BigInt64Array(init.buffer, l.bigOffset, init.targets * B_FIELDS);
    this.tally = worker < 0
      ? new Int32Array(init.buffer, l.tallyOffset, init.workers * l.tallyInts)
      : new Int32Array(init.buffer, l.tallyOffset + worker * l.tallyInts * 4, l.tallyInts);
    this.clusters = init.clusters;
    this.targets = init.targets;
  }

  /** Memory of one cluster and one target no other thread sees: for keys without a shared slot. */
  static private(): UpstreamMemory {
    return new UpstreamMemory(createUpstreamShared(1, 1, 1), 0);
  }

  clusterAt(slot: number): number {
    return slot * C_FIELDS;
  }

  targetAt(slot: number): number {
    return this.clusters * C_FIELDS + slot * T_FIELDS;
  }

  bigAt(slot: number): number {
    return slot * B_FIELDS;
  }

  clusterTallyAt(slot: number): number {
    return slot * TALLY_FIELDS;
  }

  targetTallyAt(slot: number): number {
    return (this.clusters + slot) * TALLY_FIELDS;
  }

  get tallyInts(): number {
    return layout(this.init.clusters, this.init.targets).tallyInts;
  }
}

/**
 * Adds one to the counter at `i` unless it already holds `max`: compare-and-swap, so all
 * workers together admit exactly `max`, never one more. False: at the limit, nothing changed.
 */
export function incrementBelow(i32: Int32Array, i: number, max: number): boolean {
  if (max === Infinity) {
    Atomics.add(i32, i, 1);
    return true;
  }
  let v = Atomics.load(i32, i);
  for (;;) {
    if (v >= max) return false;
    const seen = Atomics.compareExchange(i32, i, v, v + 1);
    if (seen === v) return true;
    v = seen;
  }
}
