import type { Db } from "@switchyard/db";
import type { Bus } from "../bus.ts";
import { demoConfig } from "./demo-config.ts";
import { publishConfig, type PublishResult } from "./publish-config.ts";

/** Publishes the demo config as version 1 when nothing was ever published; otherwise does nothing. */
export async function seedDemoConfig(options: { db: Db; bus: Bus; demoBasePort?: number }): Promise<PublishResult | null> {
  if ((await options.db.prisma.configVersion.count()) > 0) return null;
  return publishConfig({
    db: options.db,
    bus: options.bus,
    actor: "system",
    message: "Demo config",
    action: "config.seed",
    target: "config",
    // If another control plane seeded meanwhile, the hashes match and nothing new is stored.
    ignoresCurrent: true,
    build: () => demoConfig(options.demoBasePort),
  });
}
