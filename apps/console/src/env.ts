import { z } from "zod";

const EnvSchema = z.object({
  /** Where the route handler forwards /api/trpc/* (the control plane's HTTP address). */
  SWITCHYARD_CP_URL: z.url().default("http://127.0.0.1:4000"),
  /** WebSocket URL browsers use for live updates; unset: ws://<page host>:4000/trpc. */
  SWITCHYARD_PUBLIC_CP_WS_URL: z.string().optional(),
  /** The gateway's proxy address: portal examples and try-it requests go there. Unset: 127.0.0.1 at SWITCHYARD_PROXY_PORT. */
  SWITCHYARD_GATEWAY_URL: z.url().optional(),
  SWITCHYARD_PROXY_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
});

export type ConsoleEnv = z.infer<typeof EnvSchema>;

/**
 * Read on every call, never at module load: the same build runs against different control
 * planes, so the address must come from the environment of the running server.
 */
export function readEnv(): ConsoleEnv {
  return EnvSchema.parse({
    SWITCHYARD_CP_URL: process.env.SWITCHYARD_CP_URL || undefined,
    SWITCHYARD_PUBLIC_CP_WS_URL: process.env.SWITCHYARD_PUBLIC_CP_WS_URL || undefined,
    SWITCHYARD_GATEWAY_URL: process.env.SWITCHYARD_GATEWAY_URL || undefined,
    SWITCHYARD_PROXY_PORT: process.env.SWITCHYARD_PROXY_PORT || undefined,
  });
}

/** Where the portal sends try-it requests and what its examples show. */
export function gatewayUrl(): string {
  const env = readEnv();
  return (env.SWITCHYARD_GATEWAY_URL ?? `http://127.0.0.1:${env.SWITCHYARD_PROXY_PORT}`).replace(/\/$/, "");
}
