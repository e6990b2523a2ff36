import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { connection } from "next/server";
import { ThemeScript } from "@/components/theme-script.tsx";
import { readEnv } from "@/env.ts";
import { TRPCReactProvider } from "@/trpc/react.tsx";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Switchyard", template: "%s · Switchyard" },
  description: "Switchyard API gateway admin console",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f8fafc" },
    { media: "(prefers-color-scheme: dark)", color: "#0f1117" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Render per request so the WebSocket URL comes from the running server's environment.
  await connection();
  const { SWITCHYARD_PUBLIC_CP_WS_URL, SWITCHYARD_CP_URL } = readEnv();
  // Without an explicit URL, browsers reach the control plane's WebSocket on the page's host at
  // the control plane's port.
  const wsPort = new URL(SWITCHYARD_CP_URL).port || "4000";
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <ThemeScript />
      </head>
      <body className="min-h-dvh">
        <TRPCReactProvider wsUrl={SWITCHYARD_PUBLIC_CP_WS_URL} wsPort={wsPort}>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
