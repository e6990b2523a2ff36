import { randomBytes } from "node:crypto";
import type { Db } from "@switchyard/db";
import { createUser } from "./create-user.ts";
import { hashPassword, verifyPassword } from "./hash-password.ts";

/**
 * First start: creates user `admin` when there is no user at all. There is no default password:
 * the given one (SWITCHYARD_ADMIN_PASSWORD) or a generated one, returned so the caller can show it once.
 * Later starts with SWITCHYARD_ADMIN_PASSWORD set make it admin's password again: the way back in
 * for an operator who lost the generated one.
 */
export async function ensureAdminUser(options: { db: Db; password?: string | undefined }): Promise<{ created: boolean; generatedPassword: string | null }> {
  if ((await options.db.prisma.user.count()) > 0) {
    if (options.password) await resetAdminPassword(options.db, options.password);
    return { created: false, generatedPassword: null };
  }
  const generatedPassword = options.password ? null : randomBytes(15).toString("base64url");
  try {
    await createUser({ db: options.db, username: "admin", password: options.password ?? generatedPassword!, role: "admin" });
  } catch (error) {
    // Another control plane on the same database won the race.
    if ((error as { code?: string }).code === "P2002") return { created: false, generatedPassword: null };
    throw error;
  }
  await options.db.prisma.auditEvent.create({ data: { actor: "system", action: "auth.admin-created", target: "user:admin" } });
  return { created: true, generatedPassword };
}

async function resetAdminPassword(db: Db, password: string): Promise<void> {
  const admin = await db.prisma.user.findUnique({ where: { username: "admin" } });
  if (!admin || (await verifyPassword(password, admin.passwordHash))) return;
  await db.prisma.$transaction([
    db.prisma.user.update({ where: { id: admin.id }, data: { passwordHash: await hashPassword(password) } }),
    db.prisma.session.deleteMany({ where: { userId: admin.id } }),
    db.prisma.auditEvent.create({ data: { actor: "system", action: "auth.admin-password-reset", target: "user:admin", detail: { via: "SWITCHYARD_ADMIN_PASSWORD" } } }),
  ]);
}
