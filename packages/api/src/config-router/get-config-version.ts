import type { GatewayConfig, RolloutState } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";

export interface ConfigVersionDetail {
  version: number;
  hash: string;
  author: string;
  message: string;
  createdAt: string;
  rolloutState: RolloutState;
  rolloutSelector: Record<string, string> | null;
  haltedReason: string | null;
  config: GatewayConfig;
}

export async function getConfigVersion(options: { db: Db; version: number }): Promise<ConfigVersionDetail> {
  const row = await options.db.prisma.configVersion.findUnique({ where: { version: options.version } });
  if (!row) throw new AppError("NOT_FOUND", `No version ${options.version}`);
  return {
    version: row.version,
    hash: row.hash,
    author: row.author,
    message: row.message,
    createdAt: row.createdAt.toISOString(),
    rolloutState: row.rolloutState as RolloutState,
    rolloutSelector: (row.rolloutSelector ?? null) as Record<string, string> | null,
    haltedReason: row.haltedReason,
    config: row.config as unknown as GatewayConfig,
  };
}
