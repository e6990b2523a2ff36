import { z } from "zod";

const EnvSchema = z.object({
  SWITCHYARD_URL: z.string().url("SWITCHYARD_URL must be a URL like http://127.0.0.1:4000").default("http://127.0.0.1:4000"),
  SWITCHYARD_TOKEN: z.string().min(1).optional(),
  SWITCHYARD_ADMIN_PASSWORD: z.string().min(1).optional(),
  SWITCHYARD_USER: z.string().min(1).default("admin"),
});

export type CliEnv = z.infer<typeof EnvSchema>;

/** The only place the CLI reads process.env. Empty strings count as unset. */
export function readEnv(source: Record<string, string | undefined> = process.env): CliEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) throw new Error(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  return result.data;
}
