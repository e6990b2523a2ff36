export const DEV_SESSION_COOKIE = "sy_dev_session";
export const DEV_SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function devSessionCookie(token: string): string {
  return `${DEV_SESSION_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${DEV_SESSION_TTL_MS / 1000}`;
}

export function clearedDevSessionCookie(): string {
  return `${DEV_SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0`;
}
