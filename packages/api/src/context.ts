import type { Db } from "@switchyard/db";
import type { Bus } from "./bus.ts";
import { resolveSession, type Session } from "./auth-router/resolve-session.ts";
import { SESSION_COOKIE } from "./auth-router/session-cookie.ts";

export interface Context {
  db: Db;
  session: Session | null;
  ip: string;
  /** Adds a Set-Cookie header to the HTTP response; a no-op over WebSocket. */
  setCookie(cookie: string): void;
  bus: Bus;
  /** Raw credentials of the request, for logout. */
  sessionToken: string | null;
  /** The developer portal's session token (cookie sy_dev_session), separate from console sessions. */
  devSessionToken?: string | null;
}

export interface CreateContextOptions {
  db: Db;
  bus: Bus;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  setCookie?: (cookie: string) => void;
}

export async function createContext(options: CreateContextOptions): Promise<Context> {
  const sessionToken = readCookie(header(options.headers.cookie), SESSION_COOKIE);
  const bearer = /^Bearer\s+(\S+)$/i.exec(header(options.headers.authorization) ?? "")?.[1] ?? null;
  const session = await resolveSession({ db: options.db, sessionToken, apiToken: bearer });
  return {
    db: options.db,
    bus: options.bus,
    ip: options.ip,
    session,
    sessionToken,
    devSessionToken: readCookie(header(options.headers.cookie), "sy_dev_session"),
    setCookie: options.setCookie ?? (() => {}),
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readCookie(cookieHeader: string | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
