import { createHash, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

/** A new API key (shown once) and the hash the config keeps. */
export function generateApiKey(): { key: string; keyHash: string } {
  const key = `sy_${randomBytes(24).toString("base64url")}`;
  return { key, keyHash: hashApiKey(key) };
}

/** API keys are long random strings, so one sha256 is enough (no stretching needed). */
export function hashApiKey(key: string): string {
  return `sha256:${createHash("sha256").update(key).digest("hex")}`;
}

const N = 16_384, R = 8, P = 1, KEY_LEN = 32;

/** A scrypt hash in the form basic-auth credentials keep: scrypt$N$r$p$salt$hash. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4]!, "base64");
  const expected = Buffer.from(parts[5]!, "base64");
  if (!(n > 1 && n <= 1 << 20 && r > 0 && r <= 32 && p > 0 && p <= 16) || expected.length < 16) return false;
  const actual = scryptSync(password, salt, expected.length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}
