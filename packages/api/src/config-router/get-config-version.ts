import type { GatewayConfig } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import { toVersionMeta, type VersionMeta } from "./version-meta.ts";

export interface ConfigVersionDetail extends VersionMeta {
  config: GatewayConfig;
}

export async function getConfigVersion(options: { db: Db; version: number }): Promise<ConfigVersionDetail> {
  const row = await options.db.prisma.configVersion.findUnique({ where: { version: options.version } });
  if (!row) throw new AppError("NOT_FOUND", `No version ${options.version}`);
  return { ...toVersionMeta(row), config: row.config as unknown as GatewayConfig };
}
