import type { Db } from "@switchyard/db";
import type { Bus } from "../../bus.ts";
import { getCurrentConfig } from "../../config-router/get-current-config.ts";
import type { PublishResult } from "../../config-router/publish-config.ts";
import { syncPortalConfig } from "./sync-portal-config.ts";

/**
 * Puts the portal's projection (apps, keys, subscriptions, plans → consumers and policies) back
 * into the running config if it lost it: a crash between a portal change and its publish, or a
 * config published from an older snapshot. Publishes a version only when something differs, and
 * nothing before the first config exists (the portal has nothing to attach to then).
 */
export async function resyncPortalConfig(options: { db: Db; bus: Bus; reason: string }): Promise<PublishResult | null> {
  if (!(await getCurrentConfig({ db: options.db }))) return null;
  return syncPortalConfig({ db: options.db, bus: options.bus, actor: "system", reason: options.reason });
}
