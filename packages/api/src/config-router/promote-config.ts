import type { Publisher } from "./publish-config.ts";
import { AppError } from "../app-error.ts";

/** Sends a staged version to every data plane. */
export async function promoteConfig(options: Publisher & { version: number }): Promise<{ version: number; rolloutState: "full" }> {
  const { prisma } = options.db;
  const row = await prisma.configVersion.findUnique({ where: { version: options.version }, select: { rolloutState: true, haltedReason: true } });
  if (!row) throw new AppError("NOT_FOUND", `No version ${options.version}`);
  if (row.rolloutState === "full") throw new AppError("CONFLICT", `Version ${options.version} already goes to every data plane`);
  if (row.rolloutState === "halted") {
    throw new AppError("CONFLICT", `Version ${options.version} was halted (${row.haltedReason ?? "rejected by a data plane"}); roll back or publish a fix instead`);
  }
  const newer = await prisma.configVersion.findFirst({ where: { version: { gt: options.version }, rolloutState: "full" }, select: { version: true } });
  if (newer) throw new AppError("CONFLICT", `Version ${newer.version} was published to every data plane since; promoting ${options.version} would go back`);
  // The state condition makes a concurrent halt win: a halted version is never promoted.
  const [updated] = await prisma.$transaction([
    prisma.configVersion.updateMany({ where: { version: options.version, rolloutState: "staged" }, data: { rolloutState: "full", promotedAt: new Date() } }),
    prisma.auditEvent.create({
      data: { actor: options.actor, action: "config.promote", target: `version:${options.version}`, detail: { version: options.version }, ip: options.ip ?? null },
    }),
  ]);
  if (updated.count === 0) throw new AppError("CONFLICT", `Version ${options.version} is no longer staged`);
  options.bus.emit("rollout-changed", { version: options.version });
  return { version: options.version, rolloutState: "full" };
}
