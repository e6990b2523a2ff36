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

export const DataPlaneMessageSchema = z.discriminatedUnion("type", [HelloMessageSchema, AckMessageSchema, NackMessageSchema]);
export type DataPlaneMessage = z.infer<typeof DataPlaneMessageSchema>;
export type HelloMessage = z.infer<typeof HelloMessageSchema>;

export const SnapshotMessageSchema = z.object({ type: z.literal("snapshot"), snapshot: SnapshotSchema });
export const ControlPlaneMessageSchema = z.discriminatedUnion("type", [SnapshotMessageSchema]);
export type ControlPlaneMessage = z.infer<typeof ControlPlaneMessageSchema>;
