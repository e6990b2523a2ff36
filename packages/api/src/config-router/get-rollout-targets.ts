import { matchesSelector, type GatewayConfig, type Snapshot } from "@switchyard/config";
import type { Db } from "@switchyard/db";

export interface RolloutTargets {
  /** Newest version every data plane should run. */
  stable: Snapshot | null;
  /** Newer version going only to data planes whose labels match `selector`. */
  staged: { snapshot: Snapshot; selector: Record<string, string> } | null;
}

type Row = { version: number; hash: string; createdAt: Date; config: unknown; rolloutSelector?: unknown };

function toSnapshot(row: Row): Snapshot {
  return { version: row.version, hash: row.hash, createdAt: row.createdAt.toISOString(), config: row.config as GatewayConfig };
}

/** What the data planes should run now; halted versions are never a target. */
export async function getRolloutTargets(options: { db: Db }): Promise<RolloutTargets> {
  const { prisma } = options.db;
  const stable = await prisma.configVersion.findFirst({ where: { rolloutState: "full" }, orderBy: { version: "desc" } });
  const staged = await prisma.configVersion.findFirst({
    where: { rolloutState: "staged", version: { gt: stable?.version ?? 0 } },
    orderBy: { version: "desc" },
  });
  return {
    stable: stable ? toSnapshot(stable) : null,
    staged: staged ? { snapshot: toSnapshot(staged), selector: (staged.rolloutSelector ?? {}) as Record<string, string> } : null,
  };
}

/** The snapshot a data plane with these labels should run. */
export function targetFor(targets: RolloutTargets, labels: Record<string, string>): Snapshot | null {
  if (targets.staged && matchesSelector(labels, targets.staged.selector)) return targets.staged.snapshot;
  return targets.stable;
}

/** Version numbers only (no configs loaded), for listings. */
export async function getTargetVersions(options: { db: Db }): Promise<{ stable: number | null; staged: { version: number; selector: Record<string, string> } | null }> {
  const { prisma } = options.db;
  const stable = await prisma.configVersion.findFirst({ where: { rolloutState: "full" }, orderBy: { version: "desc" }, select: { version: true } });
  const staged = await prisma.configVersion.findFirst({
    where: { rolloutState: "staged", version: { gt: stable?.version ?? 0 } },
    orderBy: { version: "desc" },
    select: { version: true, rolloutSelector: true },
  });
  return {
    stable: stable?.version ?? null,
    staged: staged ? { version: staged.version, selector: (staged.rolloutSelector ?? {}) as Record<string, string> } : null,
  };
}
