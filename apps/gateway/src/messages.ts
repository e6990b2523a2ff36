import type { Snapshot } from "@switchyard/config";

/** Messages between the supervisor (main thread) and proxy workers. Plain data only. */
export type ToWorker =
  | { type: "config"; seq: number; snapshot: Snapshot }
  | { type: "flush"; id: number }
  | { type: "drain"; timeoutMs: number };

/** One counter row: requests since the previous report, by label set. */
export type StatRow = [route: string, service: string, subset: string, code: number, flag: string, count: number];

export type FromWorker =
  | { type: "listening"; port: number }
  | { type: "listen-failed"; error: string }
  | { type: "applied"; seq: number; version: number; hash: string }
  | { type: "apply-failed"; seq: number; error: string }
  | { type: "stats"; id: number | null; rows: StatRow[] }
  | { type: "drained" };

export interface WorkerInit {
  index: number;
  port: number;
  host: string;
  /** Applied before the worker starts listening, so a fresh worker never serves without config. */
  snapshot: Snapshot | null;
  seq: number;
  statsIntervalMs: number;
}
