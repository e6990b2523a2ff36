import { createTRPCClient, createWSClient, httpLink, wsLink, type TRPCClient } from "@trpc/client";
import WebSocket from "ws";
import type { AppRouter } from "@switchyard/api";

export type ApiClient = TRPCClient<AppRouter>;

export function httpClient(baseUrl: string, auth: { cookie?: string; token?: string } = {}): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/trpc`,
        headers: () => ({
          ...(auth.cookie ? { cookie: auth.cookie } : {}),
          ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
        }),
      }),
    ],
  });
}

/** Logs in over plain HTTP and returns the `sy_session=…` cookie pair. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("sy_session="));
  if (!cookie) throw new Error("no session cookie");
  return cookie.split(";")[0]!;
}

/** A tRPC WebSocket client that sends the session cookie on the upgrade request. */
export function wsClient(baseUrl: string, cookie?: string) {
  const headers = cookie ? { cookie } : {};
  class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const client = createWSClient({ url: `${baseUrl.replace(/^http/, "ws")}/trpc`, WebSocket: CookieWebSocket as unknown as typeof globalThis.WebSocket });
  const api = createTRPCClient<AppRouter>({ links: [wsLink({ client })] });
  return { api, close: () => client.close() };
}
