import type { GatewayConfig, Snapshot } from "@switchyard/config";
import type { Db } from "@switchyard/db";

export interface CurrentConfig {
  version: number;
  hash: string;
  createdAt: string;
  author: string;
  message: string;
  config: GatewayConfig;
}

/** The newest published version, or null before the first publish. */
export async function getCurrentConfig(options: { db: Db }): Promise<CurrentConfig | null> {
  const row = await options.db.prisma.configVersion.findFirst({ orderBy: { version: "desc" } });
  if (!row) return null;
  return {
    version: row.version,
    hash: row.hash,
    createdAt: row.createdAt.toISOString(),
    author: row.author,
    message: row.message,
    // Stored only after GatewayConfigSchema parsed it, and parsing is idempotent.
    config: row.config as unknown as GatewayConfig,
  };
}

export function toSnapshot(current: CurrentConfig): Snapshot {
  return { version: current.version, hash: current.hash, createdAt: current.createdAt, config: current.config };
}

export async function getCurrentSnapshot(options: { db: Db }): Promise<Snapshot | null> {
  const current = await getCurrentConfig(options);
  return current ? toSnapshot(current) : null;
}
