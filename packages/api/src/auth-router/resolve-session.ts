import type { Db } from "@switchyard/db";
import { hashToken } from "./hash-token.ts";
import { toRole, type Role } from "./roles.ts";

export interface Session {
  userId: string;
  username: string;
  role: Role;
  /** How the request authenticated. */
  via: "cookie" | "token";
}

/** The user behind a session cookie or an API token, or null (unknown, expired). */
export async function resolveSession(options: { db: Db; sessionToken: string | null; apiToken: string | null }): Promise<Session | null> {
  const { prisma } = options.db;
  if (options.apiToken) {
    const token = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(options.apiToken) }, include: { user: true } });
    if (token) {
      // Best effort and off the request path: a failed timestamp update must not fail the call.
      void prisma.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
      return { userId: token.user.id, username: token.user.username, role: toRole(token.user.role), via: "token" };
    }
  }
  if (options.sessionToken) {
    const session = await prisma.session.findUnique({ where: { id: hashToken(options.sessionToken) }, include: { user: true } });
    if (session && session.expiresAt.getTime() > Date.now()) {
      return { userId: session.user.id, username: session.user.username, role: toRole(session.user.role), via: "cookie" };
    }
  }
  return null;
}
