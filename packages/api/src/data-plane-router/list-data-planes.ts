import { matchesSelector } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { getTargetVersions } from "../config-router/get-rollout-targets.ts";

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
  /** The version this node should run: the newest fully rolled-out one, or a staged one its labels match. */
  targetVersion: number | null;
  /** targetVersion − appliedVersion: 0 is in sync, negative when it runs a newer (halted) version, null with nothing published. */
  lag: number | null;
}

export async function listDataPlanes(options: { db: Db }): Promise<DataPlaneInfo[]> {
  const [rows, targets] = await Promise.all([
    options.db.prisma.dataPlane.findMany({ orderBy: [{ connected: "desc" }, { id: "asc" }] }),
    getTargetVersions({ db: options.db }),
  ]);
  return rows.map((r) => {
    const labels = r.labels as Record<string, string>;
    const targetVersion = targets.staged && matchesSelector(labels, targets.staged.selector) ? targets.staged.version : targets.stable;
    return {
      id: r.id,
      hostname: r.hostname,
      labels,
      softwareVersion: r.softwareVersion,
      appliedVersion: r.appliedVersion,
      appliedHash: r.appliedHash,
      lastError: r.lastError,
      connected: r.connected,
      lastSeenAt: r.lastSeenAt.toISOString(),
      firstSeenAt: r.firstSeenAt.toISOString(),
      targetVersion,
      lag: targetVersion === null ? null : targetVersion - (r.appliedVersion ?? 0),
    };
  });
}
