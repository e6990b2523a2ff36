import { createHash, randomBytes } from "node:crypto";

/** Session and API tokens: 32 random bytes; only their sha256 is stored. */
export function generateToken(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
