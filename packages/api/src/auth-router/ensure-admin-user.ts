import { randomBytes } from "node:crypto";
import type { Db } from "@switchyard/db";
import { createUser } from "./create-user.ts";

/**
 * First start: creates user `admin` when there is no user at all. There is no default password:
 * the given one (SWITCHYARD_ADMIN_PASSWORD) or a generated one, returned so the caller can show it once.
 */
export async function ensureAdminUser(options: { db: Db; password?: string | undefined }): Promise<{ created: boolean; generatedPassword: string | null }> {
  if ((await options.db.prisma.user.count()) > 0) return { created: false, generatedPassword: null };
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
