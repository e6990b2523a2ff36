import { z } from "zod";
import { GatewayConfigSchema } from "./gateway-config.ts";

/** An immutable published config version, as stored by the control plane and pushed to data planes. */
export const SnapshotSchema = z.object({
  version: z.number().int().positive(),
  /** sha256 (hex) of the canonical JSON of `config`. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  config: GatewayConfigSchema,
});
export type Snapshot = z.infer<typeof SnapshotSchema>;
