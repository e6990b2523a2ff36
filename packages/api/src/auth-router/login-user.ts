import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import { hashPassword, verifyPassword } from "./hash-password.ts";
import { generateToken, hashToken } from "./hash-token.ts";
import { loginRateLimiter, type LoginRateLimiter } from "./login-rate-limiter.ts";
import { toRole, type Role } from "./roles.ts";
import { SESSION_TTL_MS } from "./session-cookie.ts";

// Verified against when the user doesn't exist, so both cases take the same time.
const dummyHash = hashPassword("not-a-password");

export interface LoginUserOptions {
  db: Db;
  username: string;
  password: string;
  ip: string;
  limiter?: LoginRateLimiter;
}

/** Checks the password and opens a session; returns the session token for the cookie. */
export async function loginUser(options: LoginUserOptions): Promise<{ token: string; username: string; role: Role }> {
  const limiter = options.limiter ?? loginRateLimiter;
  const key = `${options.ip}\u0000${options.username}`;
  if (!limiter.allowed(key)) throw new AppError("RATE_LIMITED", "Too many failed logins; try again in a minute");

  const { prisma } = options.db;
  const user = await prisma.user.findUnique({ where: { username: options.username } });
  const ok = await verifyPassword(options.password, user?.passwordHash ?? (await dummyHash));
  if (!user || !ok) {
    limiter.recordFailure(key);
    await prisma.auditEvent.create({ data: { actor: options.username, action: "auth.login-failed", target: `user:${options.username}`, ip: options.ip } });
    throw new AppError("INVALID_CREDENTIALS", "Wrong username or password");
  }
  limiter.reset(key);
  const token = generateToken();
  await prisma.$transaction([
    prisma.session.create({ data: { id: hashToken(token), userId: user.id, expiresAt: new Date(Date.now() + SESSION_TTL_MS) } }),
    prisma.auditEvent.create({ data: { actor: user.username, action: "auth.login", target: `user:${user.username}`, ip: options.ip } }),
  ]);
  // Expired sessions of this user are of no use to anyone.
  await prisma.session.deleteMany({ where: { userId: user.id, expiresAt: { lt: new Date() } } });
  return { token, username: user.username, role: toRole(user.role) };
}
