import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import type { Bus } from "../bus.ts";
import { publishConfig, type PublishResult } from "../config-router/publish-config.ts";

export function deleteRoute(options: { db: Db; bus: Bus; actor: string; ip?: string | null; name: string; message?: string | undefined }): Promise<PublishResult> {
  return publishConfig({
    db: options.db,
    bus: options.bus,
    actor: options.actor,
    ip: options.ip ?? null,
    message: options.message ?? `Delete route ${options.name}`,
    action: "routes.delete",
    target: `route:${options.name}`,
    build(current) {
      if (!current.routes.some((r) => r.name === options.name)) throw new AppError("NOT_FOUND", `No route "${options.name}"`);
      return { ...current, routes: current.routes.filter((r) => r.name !== options.name) };
    },
  });
}
