import { z } from "zod";
import { LabelsSchema } from "./names.ts";
import { SnapshotSchema } from "./snapshot.ts";

/**
 * Control plane <-> data plane protocol: JSON messages over one WebSocket (path /dp).
 * The data plane authenticates with `Authorization: Bearer <SWITCHYARD_DP_TOKEN>`.
 */
export const DP_PROTOCOL_VERSION = 1;

export const HelloMessageSchema = z.object({
  type: z.literal("hello"),
  protocol: z.number().int(),
  nodeId: z.string().min(1).max(200),
  hostname: z.string().max(253),
  labels: LabelsSchema.default({}),
  softwareVersion: z.string().max(64),
  /** What the node is running now (from its disk cache or a previous connection), if anything. */
  appliedVersion: z.number().int().nullable(),
  appliedHash: z.string().nullable(),
  /**
   * Optional, so older data planes keep working: encodings the node can read. With "gzip" each
   * snapshot message arrives as one binary frame holding the gzip of its JSON.
   */
  accept: z.array(z.string().max(32)).max(16).optional(),
});

export const AckMessageSchema = z.object({
  type: z.literal("ack"),
  version: z.number().int(),
  hash: z.string(),
});

export const NackMessageSchema = z.object({
  type: z.literal("nack"),
  version: z.number().int(),
  hash: z.string(),
  error: z.string().max(10_000),
});

/**
 * Upper bounds (ms) of the latency histogram buckets every part uses: log-spaced by √2 from
 * 0.25 ms to 65.5 s, plus an overflow bucket. Fixed, so histograms from any worker, gateway or
 * minute add up bucket by bucket.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = Array.from({ length: 37 }, (_, i) => Math.round(0.25 * 2 ** (i / 2) * 1e6) / 1e6);
/** Bucket count including the overflow (+Inf) bucket. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKETS_MS.length + 1;

/** One label set's traffic in one interval; `latency` is sparse: [bucketIndex, count, bucketIndex, count, …]. */
export const StatsRowSchema = z.object({
  route: z.string().max(200),
  service: z.string().max(200),
  subset: z.string().max(200),
  code: z.number().int().min(0).max(999),
  flag: z.string().max(16),
  consumer: z.string().max(200),
  count: z.number().int().min(0),
  requestBytes: z.number().min(0),
  responseBytes: z.number().min(0),
  latency: z.array(z.number().int().min(0)).max(LATENCY_BUCKET_COUNT * 2),
  /** Sum of the request durations, for averages. */
  latencySumMs: z.number().min(0),
});
export type StatsRow = z.infer<typeof StatsRowSchema>;

/** Data plane → control plane, about once a second: traffic its workers counted since the last one. */
export const StatsMessageSchema = z.object({
  type: z.literal("stats"),
  /** End of the interval, epoch ms. */
  at: z.number(),
  intervalMs: z.number().min(0),
  rows: z.array(StatsRowSchema).max(20_000),
});
export type StatsMessage = z.infer<typeof StatsMessageSchema>;

export const DataPlaneMessageSchema = z.discriminatedUnion("type", [HelloMessageSchema, AckMessageSchema, NackMessageSchema, StatsMessageSchema]);
export type DataPlaneMessage = z.infer<typeof DataPlaneMessageSchema>;
export type HelloMessage = z.infer<typeof HelloMessageSchema>;

export const SnapshotMessageSchema = z.object({ type: z.literal("snapshot"), snapshot: SnapshotSchema });
export const ControlPlaneMessageSchema = z.discriminatedUnion("type", [SnapshotMessageSchema]);
export type ControlPlaneMessage = z.infer<typeof ControlPlaneMessageSchema>;

