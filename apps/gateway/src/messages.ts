import type { Snapshot, StatsRow } from "@switchyard/config";
import type { AccessLogOptions } from "./worker/access-log.ts";
import type { PolicySharedInit } from "./policies/policy-shared-init.ts";
import type { UpstreamSharedInit, UpstreamSlotMap } from "./upstream/upstream-memory.ts";

/** Messages between the supervisor (main thread) and proxy workers. Plain data only. */
export type ToWorker =
  /**
   * Compile and serve at once (a worker that missed a prepare). `slots`: the supervisor's
   * upstream slot map, covering every cluster and target of the snapshot.
   */
  | { type: "config"; seq: number; snapshot: Snapshot; slots?: UpstreamSlotMap }
  /**
   * First phase of a config change: compile the snapshot (sent as JSON text: one stringify on
   * the main thread and a parse in each worker cost less than structured-cloning the object
   * graph once per worker) and hold it until `commit`, or drop it on `discard`.
   */
  | { type: "prepare"; seq: number; snapshotJson: string; slots?: UpstreamSlotMap }
  | { type: "commit"; seq: number }
  | { type: "discard"; seq: number }
  | { type: "flush"; id: number }
  | { type: "drain"; timeoutMs: number }
  /** Active health check verdict for an upstream origin ("http://host:port"), from the process's checker. */
  | { type: "health"; origin: string; healthy: boolean };

/** One label set's traffic since the previous report (the wire row plus upstream timings, which stay on the gateway). */
export interface StatRow extends StatsRow {
  /** Sparse upstream-latency buckets: [bucketIndex, count, …]. */
  upstream: number[];
  upstreamSumMs: number;
  upstreamCount: number;
}

/** Counters of rare events (not per-request traffic), with their label values in the family's order. */
export type EventMetric = "retries" | "ejections" | "rate_limited" | "auth_rejected";

/** One event counter's increase since the previous report. */
export interface EventRow {
  metric: EventMetric;
  labels: string[];
  count: number;
}

/** One target of a destination with outlier detection, and whether it is ejected now. */
export interface OutlierRow {
  service: string;
  subset: string;
  target: string;
  ejected: boolean;
}

/**
 * A worker's counts since its previous report. `events` and `outlier` are absent when there
 * is nothing new; `outlier`, when present, replaces that worker's previous list.
 */
export interface WorkerStats {
  type: "stats";
  id: number | null;
  rows: StatRow[];
  events?: EventRow[];
  outlier?: OutlierRow[];
}

export type FromWorker =
  | { type: "listening"; port: number; httpsPort: number | null }
  | { type: "listen-failed"; error: string }
  | { type: "applied"; seq: number; version: number; hash: string }
  | { type: "apply-failed"; seq: number; error: string }
  | { type: "prepared"; seq: number }
  | WorkerStats
  | { type: "drained" };

/** Which HTTP/1.1 server takes the plain listener's connections first (server/lean-listener.ts). */
export type HttpServerKind = "lean" | "node";

export interface WorkerInit {
  index: number;
  port: number;
  /** HTTPS listener port (0: pick one); null or absent: no HTTPS listener. */
  httpsPort?: number | null;
  host: string;
  /** Applied before the worker starts listening, so a fresh worker never serves without config. */
  snapshot: Snapshot | null;
  seq: number;
  statsIntervalMs: number;
  /** Origins the health checker currently holds unhealthy. */
  unhealthy?: string[];
  accessLog: AccessLogOptions;
  /** Plain-HTTP listener: the lean HTTP/1.1 path in front of Node's server ("lean"), or Node's alone. */
  httpServer?: HttpServerKind;
  /** Shared memory and channels of the edge policies (local rate-limit counters, JWKS). */
  policies?: PolicySharedInit;
  /** Circuit-breaker and outlier state shared by every worker of the process, and its slot map. */
  upstream?: UpstreamSharedInit;
  slots?: UpstreamSlotMap;
}
