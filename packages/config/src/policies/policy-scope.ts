import { z } from "zod";
import { NameSchema } from "../names.ts";

/**
 * Where a policy is attached (Kong: a plugin's service / route / consumer fields). The most
 * specific attachment of a policy type wins for a request: consumer, then route, then service,
 * then global.
 */
export const PolicyScopeSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("global") }),
  z.strictObject({ kind: z.literal("service"), name: NameSchema }),
  z.strictObject({ kind: z.literal("route"), name: NameSchema }),
  z.strictObject({ kind: z.literal("consumer"), name: NameSchema }),
]);
export type PolicyScope = z.infer<typeof PolicyScopeSchema>;

/** Lower-case HTTP header names, as Node delivers them. */
export const HeaderNameSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "Not a valid HTTP header name")
  .transform((h) => h.toLowerCase());
