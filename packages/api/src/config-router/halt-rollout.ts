import type { Db } from "@switchyard/db";
import type { Bus } from "../bus.ts";

/**
 * A data plane rejected `version`: stop its rollout so no further data plane is sent it. Data
 * planes that already run it keep it until the next publish or a rollback. Returns whether this
 * call halted it (false when it already was).
 */
export async function haltRollout(options: { db: Db; bus: Bus; version: number; nodeId: string; error: string }): Promise<boolean> {
  const { prisma } = options.db;
  const reason = `Rejected by data plane ${options.nodeId}: ${options.error}`.slice(0, 2000);
  const [updated] = await prisma.$transaction([
    prisma.configVersion.updateMany({
      where: { version: options.version, rolloutState: { in: ["full", "staged"] } },
      data: { rolloutState: "halted", haltedReason: reason },
    }),
    prisma.auditEvent.create({
      data: { actor: `data-plane:${options.nodeId}`, action: "config.nack", target: `version:${options.version}`, detail: { version: options.version, error: options.error.slice(0, 2000) } },
    }),
  ]);
  if (updated.count === 0) return false;
  await prisma.auditEvent.create({
    data: { actor: "system", action: "config.halt", target: `version:${options.version}`, detail: { version: options.version, reason } },
  });
  options.bus.emit("rollout-changed", { version: options.version });
  return true;
}
