import path from "node:path";
import { z } from "zod";
import { CidrSchema } from "@switchyard/config";

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

const EnvSchema = z.object({
  SWITCHYARD_CP_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  SWITCHYARD_CP_HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z.string().url().optional(),
  SWITCHYARD_DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, ".data")).transform((dir) => path.resolve(dir)),
  SWITCHYARD_ADMIN_PASSWORD: z.string().min(8, "SWITCHYARD_ADMIN_PASSWORD needs at least 8 characters").optional(),
  SWITCHYARD_DP_TOKEN: z.string().min(1, "SWITCHYARD_DP_TOKEN is required: the shared secret data planes present"),
  SWITCHYARD_SEED: z.enum(["demo", "none"]).default("demo"),
  SWITCHYARD_DEMO_BASE_PORT: z.coerce.number().int().min(1).max(65533).default(9001),
  /** The console's public URL: developer-portal e-mails link to its /portal pages. Unset: 127.0.0.1 at SWITCHYARD_CONSOLE_PORT. */
  SWITCHYARD_PORTAL_URL: z.url().optional(),
  SWITCHYARD_CONSOLE_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Comma-separated CIDRs whose X-Forwarded-For is believed (the console's server, a load balancer). */
  SWITCHYARD_TRUSTED_PROXIES: z
    .string()
    .default("127.0.0.1/32,::1/128")
    .transform((list) => list.split(",").map((c) => c.trim()).filter((c) => c !== ""))
    .pipe(z.array(CidrSchema)),
});

export type Env = z.infer<typeof EnvSchema>;

/** The only place the control plane reads process.env. Empty strings count as unset. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "env"}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return result.data;
}
