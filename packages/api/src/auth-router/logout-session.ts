import type { Db } from "@switchyard/db";
import { hashToken } from "./hash-token.ts";

export async function logoutSession(options: { db: Db; sessionToken: string | null }): Promise<void> {
  if (!options.sessionToken) return;
  await options.db.prisma.session.deleteMany({ where: { id: hashToken(options.sessionToken) } });
}
