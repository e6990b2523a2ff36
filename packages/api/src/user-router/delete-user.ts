import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import { notLastAdmin } from "./last-admin-guard.ts";

/** Deletes a user with its sessions and API tokens; never the last admin, never oneself. */
export async function deleteUser(options: { db: Db; actor: string; actorUserId: string; ip: string; username: string }): Promise<{ username: string }> {
  const { prisma } = options.db;
  const user = await prisma.user.findUnique({ where: { username: options.username }, select: { id: true } });
  if (!user) throw new AppError("NOT_FOUND", `No user "${options.username}"`);
  if (user.id === options.actorUserId) throw new AppError("CONFLICT", "You can't delete your own account");
  const deleted = await prisma.$executeRaw`
    WITH deleted AS (
      DELETE FROM "app_user" WHERE "username" = ${options.username} AND ${notLastAdmin} RETURNING "username"
    )
    INSERT INTO "audit_event" ("actor", "action", "target", "ip")
    SELECT ${options.actor}, 'users.delete', 'user:' || "username", ${options.ip} FROM deleted`;
  if (deleted === 0) throw new AppError("CONFLICT", "The last admin can't be deleted");
  return { username: options.username };
}
