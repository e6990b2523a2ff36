import { z } from "zod";
import { CidrSchema } from "./policies/edge-policies.ts";
import { TracingSchema } from "./tracing.ts";
import { GlobalHttpsRedirectSchema } from "./certificate.ts";

/** Gateway-wide settings. */
export const SettingsSchema = z.strictObject({
  /**
   * Proxies (load balancers, CDNs) in front of the gateway. X-Forwarded-For/-Proto/-Host and
   * Forwarded are believed only when the connection comes from one of these; otherwise the
   * peer address is the client.
   */
  trustedProxies: z.array(CidrSchema).default([]),
  /** Trace context propagation and span export; optional so configs without it keep their hash. */
  tracing: TracingSchema.optional(),
  /** Plain-HTTP requests for these hosts (all when none are listed) are redirected to HTTPS. */
  httpsRedirect: GlobalHttpsRedirectSchema.optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;
