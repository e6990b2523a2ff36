import type { Db } from "@switchyard/db";
import { AppError } from "../../app-error.ts";
import { generateToken, hashToken } from "../../auth-router/hash-token.ts";

export type TokenPurpose = "verify-email" | "reset-password";
const TTL_MS: Record<TokenPurpose, number> = { "verify-email": 24 * 3_600_000, "reset-password": 3_600_000 };

/** A one-time link token; only its sha256 is stored. */
export async function issueDeveloperToken(db: Db, developerId: string, purpose: TokenPurpose): Promise<string> {
  const token = generateToken();
  await db.prisma.developerToken.create({ data: { id: hashToken(token), developerId, purpose, expiresAt: new Date(Date.now() + TTL_MS[purpose]) } });
  return token;
}

/** Uses a token up (once); returns its developer or throws INVALID_CREDENTIALS. */
export async function consumeDeveloperToken(db: Db, token: string, purpose: TokenPurpose): Promise<string> {
  const row = await db.prisma.developerToken.findUnique({ where: { id: hashToken(token) } });
  if (!row || row.purpose !== purpose || row.usedAt !== null || row.expiresAt.getTime() <= Date.now()) {
    throw new AppError("INVALID_CREDENTIALS", "This link is invalid or has expired");
  }
  // The conditional update makes a second use of the same token lose even when both race.
  const used = await db.prisma.developerToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  if (used.count !== 1) throw new AppError("INVALID_CREDENTIALS", "This link was already used");
  return row.developerId;
}
