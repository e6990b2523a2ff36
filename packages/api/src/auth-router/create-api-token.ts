import { randomUUID } from "node:crypto";
import type { Db } from "@switchyard/db";
import { generateToken, hashToken } from "./hash-token.ts";

/** Creates an API token for a user; the plain token is returned here and never again. */
export async function createApiToken(options: { db: Db; userId: string; name: string; actor: string; ip: string }): Promise<{ id: string; name: string; token: string }> {
  const token = generateToken("syt_");
  const id = randomUUID();
  await options.db.prisma.$transaction([
    options.db.prisma.apiToken.create({ data: { id, name: options.name, tokenHash: hashToken(token), userId: options.userId } }),
    options.db.prisma.auditEvent.create({ data: { actor: options.actor, action: "auth.token-created", target: `token:${options.name}`, ip: options.ip } }),
  ]);
  return { id, name: options.name, token };
}
