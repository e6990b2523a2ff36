import type { Db } from "@switchyard/db";
import { Prisma } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import type { Role } from "../auth-router/roles.ts";
import { notLastAdmin } from "./last-admin-guard.ts";

/** Changes a user's role; takes effect on the user's next request (sessions look the role up). */
export async function updateUserRole(options: { db: Db; actor: string; ip: string; username: string; role: Role }): Promise<{ username: string; role: Role }> {
  const { prisma } = options.db;
  const user = await prisma.user.findUnique({ where: { username: options.username }, select: { role: true } });
  if (!user) throw new AppError("NOT_FOUND", `No user "${options.username}"`);
  if (user.role === options.role) return { username: options.username, role: options.role };
  const guard = options.role === "admin" ? Prisma.sql`TRUE` : notLastAdmin;
  const detail = JSON.stringify({ from: user.role, role: options.role });
  // One statement: the change and its audit row happen together or not at all.
  const changed = await prisma.$executeRaw`
    WITH changed AS (
      UPDATE "app_user" SET "role" = ${options.role} WHERE "username" = ${options.username} AND ${guard} RETURNING "username"
    )
    INSERT INTO "audit_event" ("actor", "action", "target", "detail", "ip")
    SELECT ${options.actor}, 'users.update', 'user:' || "username", ${detail}::jsonb, ${options.ip} FROM changed`;
  if (changed === 0) throw new AppError("CONFLICT", "The last admin can't lose the admin role; make someone else admin first");
  return { username: options.username, role: options.role };
}
