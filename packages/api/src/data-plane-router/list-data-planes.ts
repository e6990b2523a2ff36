import type { Db } from "@switchyard/db";

export interface DataPlaneInfo {
  id: string;
  hostname: string;
  labels: Record<string, string>;
  softwareVersion: string;
  appliedVersion: number | null;
  appliedHash: string | null;
  lastError: string | null;
  connected: boolean;
  lastSeenAt: string;
  firstSeenAt: string;
}

export async function listDataPlanes(options: { db: Db }): Promise<DataPlaneInfo[]> {
  const rows = await options.db.prisma.dataPlane.findMany({ orderBy: [{ connected: "desc" }, { id: "asc" }] });
  return rows.map((r) => ({
    id: r.id,
    hostname: r.hostname,
    labels: r.labels as Record<string, string>,
    softwareVersion: r.softwareVersion,
    appliedVersion: r.appliedVersion,
    appliedHash: r.appliedHash,
    lastError: r.lastError,
    connected: r.connected,
    lastSeenAt: r.lastSeenAt.toISOString(),
    firstSeenAt: r.firstSeenAt.toISOString(),
  }));
}
