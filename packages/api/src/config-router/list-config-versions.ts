import type { Db } from "@switchyard/db";

export interface ConfigVersionSummary {
  version: number;
  hash: string;
  author: string;
  message: string;
  createdAt: string;
}

export async function listConfigVersions(options: { db: Db; limit?: number }): Promise<ConfigVersionSummary[]> {
  const rows = await options.db.prisma.configVersion.findMany({
    orderBy: { version: "desc" },
    take: options.limit ?? 500,
    select: { version: true, hash: true, author: true, message: true, createdAt: true },
  });
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}
