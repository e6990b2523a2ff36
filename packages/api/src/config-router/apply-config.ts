import type { Db } from "@switchyard/db";
import type { Bus } from "../bus.ts";
import { publishConfig, type PublishResult } from "./publish-config.ts";

/** Replaces the whole config (`switchyard apply -f`). */
export function applyConfig(options: { db: Db; bus: Bus; actor: string; ip?: string | null; config: unknown; message?: string | undefined }): Promise<PublishResult> {
  return publishConfig({
    db: options.db,
    bus: options.bus,
    actor: options.actor,
    ip: options.ip ?? null,
    message: options.message,
    action: "config.apply",
    target: "config",
    build: () => options.config,
  });
}
