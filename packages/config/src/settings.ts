import { z } from "zod";
import { CidrSchema } from "./policies/edge-policies.ts";

/** Gateway-wide settings. */
export const SettingsSchema = z.object({
  /**
   * Proxies (load balancers, CDNs) in front of the gateway. X-Forwarded-For/-Proto/-Host and
   * Forwarded are believed only when the connection comes from one of these; otherwise the
   * peer address is the client.
   */
  trustedProxies: z.array(CidrSchema).default([]),
});
export type Settings = z.infer<typeof SettingsSchema>;
