import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** <repo>/.data/gateway, whatever the working directory. */
const DEFAULT_CACHE_DIR = fileURLToPath(new URL("../../../.data/gateway", import.meta.url));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const LabelsText = z
  .string()
  .default("")
  .transform((text, ctx) => {
    const labels: Record<string, string> = {};
    for (const pair of text.split(",").map((p) => p.trim()).filter(Boolean)) {
      const eq = pair.indexOf("=");
      if (eq <= 0) {
        ctx.addIssue({ code: "custom", message: `"${pair}" is not k=v` });
        return z.NEVER;
      }
      labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return labels;
  });

const EnvSchema = z
  .object({
    SWITCHYARD_CP_URL: z.url().default("http://127.0.0.1:4000"),
    SWITCHYARD_DP_TOKEN: z.string().min(1).optional(),
    SWITCHYARD_PROXY_PORT: port(8080),
    SWITCHYARD_PROXY_HOST: z.string().default("0.0.0.0"),
    /** HTTPS listener (certificates from the config, by SNI); unset: no HTTPS listener. */
    SWITCHYARD_HTTPS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    SWITCHYARD_ADMIN_PORT: port(9901),
    SWITCHYARD_ADMIN_HOST: z.string().default("127.0.0.1"),
    SWITCHYARD_WORKERS: z.coerce.number().int().min(1).max(256).default(availableParallelism()),
    SWITCHYARD_NODE_ID: z.string().min(1).max(200).optional(),
    SWITCHYARD_LABELS: LabelsText,
    SWITCHYARD_CACHE_DIR: z.string().min(1).default(DEFAULT_CACHE_DIR),
    /** Redis for rate-limit policies with `policy: redis` that name none of their own. */
    SWITCHYARD_REDIS_URL: z.string().regex(/^rediss?:\/\//, "a redis:// or rediss:// URL").default("redis://127.0.0.1:6379"),
    /** Standalone mode: serve this YAML/JSON config and don't connect to a control plane. */
    SWITCHYARD_CONFIG_FILE: z.string().min(1).optional(),
    /** Access log: "stdout", "off", or a file path; one JSON line per (sampled) request. */
    SWITCHYARD_ACCESS_LOG: z.string().min(1).default("stdout"),
    /** Fraction of requests written to the access log, 0..1. */
    SWITCHYARD_ACCESS_LOG_SAMPLE: z.coerce.number().min(0).max(1).default(1),
    /** "true" adds Istio-compatible series (istio_requests_total, …) to /metrics. */
    /** "node": plain HTTP served by node:http alone, without the lean HTTP/1.1 path in front. */
    SWITCHYARD_HTTP_SERVER: z.enum(["lean", "node"]).default("lean"),
    SWITCHYARD_ISTIO_METRICS: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
  })
  .superRefine((env, ctx) => {
    if (!env.SWITCHYARD_CONFIG_FILE && !env.SWITCHYARD_DP_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["SWITCHYARD_DP_TOKEN"],
        message: "required to connect to the control plane (or set SWITCHYARD_CONFIG_FILE to run standalone)",
      });
    }
  });

export type GatewayEnv = z.infer<typeof EnvSchema>;

/** The only place the gateway reads process.env. Empty strings count as unset. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): GatewayEnv {
  const cleaned: Record<string, string | undefined> = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  // REDIS_URL is the name most tooling (and this project's CI) sets; ours wins when both are set.
  cleaned.SWITCHYARD_REDIS_URL ??= cleaned.REDIS_URL;
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new Error(`Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  }
  return parsed.data;
}
