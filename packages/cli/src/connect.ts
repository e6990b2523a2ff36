import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import type { AppRouter } from "@switchyard/api";
import { CliError, describeError } from "./cli-error.ts";
import type { CliEnv } from "./env.ts";

export type ApiClient = TRPCClient<AppRouter>;

/**
 * A client for the control plane: with SWITCHYARD_TOKEN as a Bearer token, else logged in with
 * SWITCHYARD_USER / SWITCHYARD_ADMIN_PASSWORD and reusing the session cookie.
 */
export async function connect(env: CliEnv): Promise<ApiClient> {
  const base = env.SWITCHYARD_URL.replace(/\/+$/, "");
  let headers: Record<string, string>;
  if (env.SWITCHYARD_TOKEN) {
    headers = { authorization: `Bearer ${env.SWITCHYARD_TOKEN}` };
  } else if (env.SWITCHYARD_ADMIN_PASSWORD) {
    headers = { cookie: await login(base, env.SWITCHYARD_USER, env.SWITCHYARD_ADMIN_PASSWORD) };
  } else {
    throw new CliError("No credentials: set SWITCHYARD_TOKEN (an API token) or SWITCHYARD_ADMIN_PASSWORD (and SWITCHYARD_USER, default admin)");
  }
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${base}/trpc`, headers })] });
}

async function login(base: string, username: string, password: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${base}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
  } catch (error) {
    throw new CliError(describeError(error, base));
  }
  if (res.status === 401) throw new CliError(`Login as ${username} at ${base} failed: wrong username or password (check SWITCHYARD_USER / SWITCHYARD_ADMIN_PASSWORD)`);
  if (res.status === 429) throw new CliError(`Login as ${username} at ${base} refused: too many failed attempts, wait a minute`);
  if (!res.ok) throw new CliError(`Login at ${base} failed with HTTP ${res.status}; is SWITCHYARD_URL a Switchyard control plane?`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("sy_session="));
  if (!cookie) throw new CliError(`Login at ${base} returned no session cookie`);
  return cookie.split(";")[0]!;
}
