import type { Db } from "@switchyard/db";
import { hashToken } from "../../auth-router/hash-token.ts";

export interface DeveloperSession {
  id: string;
  email: string;
}

/** The verified, active developer behind a portal session token, or null. */
export async function resolveDeveloper(options: { db: Db; token: string | null }): Promise<DeveloperSession | null> {
  if (!options.token) return null;
  const session = await options.db.prisma.developerSession.findUnique({ where: { id: hashToken(options.token) }, include: { developer: true } });
  if (!session || session.expiresAt.getTime() <= Date.now() || session.developer.status !== "active") return null;
  return { id: session.developer.id, email: session.developer.email };
}
