import type { Db } from "@switchyard/db";
import { toVersionMeta, type VersionMeta } from "./version-meta.ts";

export interface ConfigVersionSummary extends VersionMeta {
  /** Connected data planes that report running this version. */
  runningCount: number;
  /** Staged, but a newer version went to every data plane since: it can no longer be promoted. */
  superseded: boolean;
}

export async function listConfigVersions(options: { db: Db; limit?: number }): Promise<ConfigVersionSummary[]> {
  const { prisma } = options.db;
  const [rows, running] = await Promise.all([
    prisma.configVersion.findMany({
      orderBy: { version: "desc" },
      take: options.limit ?? 500,
      select: { version: true, hash: true, author: true, message: true, createdAt: true, rolloutState: true, rolloutSelector: true, haltedReason: true },
    }),
    prisma.dataPlane.groupBy({ by: ["appliedVersion"], where: { connected: true, appliedVersion: { not: null } }, _count: { _all: true } }),
  ]);
  const counts = new Map(running.map((r) => [r.appliedVersion, r._count._all]));
  const newestFull = rows.find((r) => r.rolloutState === "full")?.version ?? 0;
  return rows.map((r) => ({
    ...toVersionMeta(r),
    runningCount: counts.get(r.version) ?? 0,
    superseded: r.rolloutState === "staged" && r.version < newestFull,
  }));
}
