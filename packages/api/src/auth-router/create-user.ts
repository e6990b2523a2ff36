import { randomUUID } from "node:crypto";
import type { Db } from "@switchyard/db";
import { hashPassword } from "./hash-password.ts";
import type { Role } from "./roles.ts";

export async function createUser(options: { db: Db; username: string; password: string; role: Role }): Promise<{ id: string }> {
  const id = randomUUID();
  await options.db.prisma.user.create({
    data: { id, username: options.username, passwordHash: await hashPassword(options.password), role: options.role },
  });
  return { id };
}
