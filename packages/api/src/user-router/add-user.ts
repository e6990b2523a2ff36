import { randomUUID } from "node:crypto";
import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import { hashPassword } from "../auth-router/hash-password.ts";
import type { Role } from "../auth-router/roles.ts";

/** An admin creates a user: stored with a scrypt hash, audited. */
export async function addUser(options: { db: Db; actor: string; ip: string; username: string; password: string; role: Role }): Promise<{ id: string; username: string; role: Role }> {
  const { prisma } = options.db;
  const id = randomUUID();
  const passwordHash = await hashPassword(options.password);
  try {
    await prisma.$transaction([
      prisma.user.create({ data: { id, username: options.username, passwordHash, role: options.role } }),
      prisma.auditEvent.create({
        data: { actor: options.actor, action: "users.create", target: `user:${options.username}`, detail: { role: options.role }, ip: options.ip },
      }),
    ]);
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new AppError("CONFLICT", `User "${options.username}" already exists`, { cause: error });
    throw error;
  }
  return { id, username: options.username, role: options.role };
}
