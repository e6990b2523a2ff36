"use client";

import { useState, type ReactNode } from "react";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink, type TRPCLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@switchyard/api";
import { errorCode } from "@/lib/trpc-error.ts";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function redirectToLogin(): void {
  if (typeof window === "undefined" || window.location.pathname === "/login") return;
  // Portal pages have their own (developer) sign-in and handle a missing session themselves.
  if (window.location.pathname.startsWith("/portal")) return;
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
}

function createQueryClient(): QueryClient {
  return new QueryClient({
    // An expired session anywhere sends the user to the login page instead of a broken screen.
    queryCache: new QueryCache({
      onError: (error) => {
        if (errorCode(error) === "UNAUTHORIZED") redirectToLogin();
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // Retrying a 4xx (auth, validation, not found) can't succeed; retry network trouble only.
        retry: (failureCount, error) => {
          const code = errorCode(error);
          if (code && code !== "INTERNAL_SERVER_ERROR" && code !== "BAD_GATEWAY") return false;
          return failureCount < 2;
        },
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;
function getQueryClient(): QueryClient {
  if (typeof window === "undefined") return createQueryClient();
  return (browserQueryClient ??= createQueryClient());
}

/** ws://<page host>:<control-plane port>/trpc unless the server passed an explicit URL. */
function resolveWsUrl(override: string | undefined, port: string): string {
  if (override) return override;
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.hostname}:${port}/trpc`;
}

function createLinks(wsUrl: string | undefined, wsPort: string): TRPCLink<AppRouter>[] {
  const http = httpBatchLink<AppRouter>({
    url: typeof window === "undefined" ? "http://127.0.0.1/api/trpc" : `${window.location.origin}/api/trpc`,
  });
  // Subscriptions only exist in the browser; the server render never opens a socket.
  if (typeof window === "undefined") return [http];
  const wsClient = createWSClient({
    url: resolveWsUrl(wsUrl, wsPort),
    // Connect when something subscribes, not on page load.
    lazy: { enabled: true, closeMs: 10_000 },
  });
  return [splitLink({ condition: (op) => op.type === "subscription", true: wsLink<AppRouter>({ client: wsClient }), false: http })];
}

export function TRPCReactProvider({ children, wsUrl, wsPort = "4000" }: { children: ReactNode; wsUrl?: string; wsPort?: string }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() => createTRPCClient<AppRouter>({ links: createLinks(wsUrl, wsPort) }));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
