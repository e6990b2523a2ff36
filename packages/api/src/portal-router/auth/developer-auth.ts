import { randomUUID } from "node:crypto";
import type { Db } from "@switchyard/db";
import { AppError } from "../../app-error.ts";
import { hashPassword, verifyPassword } from "../../auth-router/hash-password.ts";
import { generateToken, hashToken } from "../../auth-router/hash-token.ts";
import { createLoginRateLimiter } from "../../auth-router/login-rate-limiter.ts";
import { DEV_SESSION_TTL_MS } from "./dev-session-cookie.ts";
import { consumeDeveloperToken, issueDeveloperToken } from "./developer-tokens.ts";
import { portalMail } from "./mail-sender.ts";

const limiter = createLoginRateLimiter();
const dummyHash = hashPassword("not-a-password");

const normalize = (email: string) => email.trim().toLowerCase();

async function sendLink(db: Db, developerId: string, email: string, purpose: "verify-email" | "reset-password"): Promise<void> {
  const token = await issueDeveloperToken(db, developerId, purpose);
  const { sender, portalUrl } = portalMail();
  const page = purpose === "verify-email" ? "verify" : "reset-password";
  const link = `${portalUrl.replace(/\/$/, "")}/portal/${page}?token=${encodeURIComponent(token)}`;
  const subject = purpose === "verify-email" ? "Verify your e-mail address" : "Reset your password";
  await sender.send({ to: email, subject, text: `${subject}: ${link}`, link });
}

/** Creates an unverified developer and mails the verification link. Same answer for a taken e-mail. */
export async function signUpDeveloper(options: { db: Db; email: string; password: string }): Promise<{ ok: true }> {
  const email = normalize(options.email);
  const existing = await options.db.prisma.developer.findUnique({ where: { email } });
  if (existing) {
    // Says nothing about whether the address is registered; the owner gets a fresh link if still unverified.
    if (existing.emailVerifiedAt === null) await sendLink(options.db, existing.id, email, "verify-email");
    return { ok: true };
  }
  const id = randomUUID();
  await options.db.prisma.developer.create({ data: { id, email, passwordHash: await hashPassword(options.password) } });
  await sendLink(options.db, id, email, "verify-email");
  return { ok: true };
}

export async function verifyDeveloperEmail(options: { db: Db; token: string }): Promise<{ email: string }> {
  const developerId = await consumeDeveloperToken(options.db, options.token, "verify-email");
  const dev = await options.db.prisma.developer.update({ where: { id: developerId }, data: { emailVerifiedAt: new Date() } });
  return { email: dev.email };
}

export async function signInDeveloper(options: { db: Db; email: string; password: string; ip: string }): Promise<{ token: string; email: string }> {
  const email = normalize(options.email);
  const key = `${options.ip}\u0000${email}`;
  if (!limiter.allowed(key)) throw new AppError("RATE_LIMITED", "Too many failed sign-ins; try again in a minute");
  const dev = await options.db.prisma.developer.findUnique({ where: { email } });
  const ok = await verifyPassword(options.password, dev?.passwordHash ?? (await dummyHash));
  if (!dev || !ok || dev.status !== "active") {
    limiter.recordFailure(key);
    throw new AppError("INVALID_CREDENTIALS", "Wrong e-mail or password");
  }
  if (dev.emailVerifiedAt === null) throw new AppError("FORBIDDEN", "Verify your e-mail address first: follow the link we sent you");
  limiter.reset(key);
  const token = generateToken("sydev_");
  await options.db.prisma.developerSession.create({ data: { id: hashToken(token), developerId: dev.id, expiresAt: new Date(Date.now() + DEV_SESSION_TTL_MS) } });
  return { token, email: dev.email };
}

export async function signOutDeveloper(options: { db: Db; token: string | null }): Promise<void> {
  if (options.token) await options.db.prisma.developerSession.deleteMany({ where: { id: hashToken(options.token) } });
}

export async function requestPasswordReset(options: { db: Db; email: string }): Promise<{ ok: true }> {
  const email = normalize(options.email);
  const dev = await options.db.prisma.developer.findUnique({ where: { email } });
  if (dev) await sendLink(options.db, dev.id, email, "reset-password");
  return { ok: true };
}

/** Sets the new password and ends every session of the developer. Following the link proves the e-mail too. */
export async function resetDeveloperPassword(options: { db: Db; token: string; password: string }): Promise<{ email: string }> {
  const developerId = await consumeDeveloperToken(options.db, options.token, "reset-password");
  const passwordHash = await hashPassword(options.password);
  const [dev] = await options.db.prisma.$transaction([
    options.db.prisma.developer.update({ where: { id: developerId }, data: { passwordHash, emailVerifiedAt: new Date() } }),
    options.db.prisma.developerSession.deleteMany({ where: { developerId } }),
  ]);
  return { email: dev.email };
}
