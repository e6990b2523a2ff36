import { z } from "zod";

const EnvSchema = z.object({
  SWITCHYARD_DEMO_BASE_PORT: z.coerce.number().int().min(1).max(65533).default(9001),
  SWITCHYARD_DEMO_HOST: z.string().default("127.0.0.1"),
});

export type DemoEnv = z.infer<typeof EnvSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): DemoEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}
