import type { Rollout } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import type { Bus } from "../bus.ts";
import { publishConfig, type PublishResult } from "./publish-config.ts";

/** Replaces the whole config (`switchyard apply -f`). */
export function applyConfig(options: { db: Db; bus: Bus; actor: string; ip?: string | null; config: unknown; message?: string | undefined; rollout?: Rollout | null | undefined }): Promise<PublishResult> {
  return publishConfig({
    db: options.db,
    bus: options.bus,
    actor: options.actor,
    ip: options.ip ?? null,
    message: options.message,
    action: "config.apply",
    target: "config",
    ignoresCurrent: true,
    build: () => options.config,
    rollout: options.rollout,
  });
}
