import { SettingsSchema, type Settings } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import type { Role } from "../auth-router/roles.ts";
import { getCurrentConfig } from "../config-router/get-current-config.ts";
import { configForRole } from "../config-router/redact-config.ts";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "../config-router/publish-config.ts";
import { parseInput } from "../parse-input.ts";

/**
 * The gateway-wide settings of the running config (defaults when none are set), as `role` may
 * read them: collector headers are redacted for viewers (after parsing, as the stored ones are valid).
 */
export async function getSettings(options: { db: Db; role: Role }): Promise<Settings> {
  const settings = SettingsSchema.parse((await getCurrentConfig(options))?.config.settings ?? {});
  return configForRole({ services: [], routes: [], settings }, options.role).settings ?? settings;
}

/**
 * Replaces the settings (trusted proxies, HTTPS redirect, tracing) as one object; field errors
 * are relative to the settings (`trustedProxies.1`, `tracing.otlp.endpoint`).
 */
export function updateSettings(options: Publisher & { settings: unknown }): Promise<PublishResult> {
  const settings = parseInput(SettingsSchema, options.settings);
  return publishConfig({
    ...publisherOf(options),
    message: "Update settings",
    action: "settings.update",
    target: "settings",
    build: (current) => ({ ...current, settings }),
    mapErrorPath: (path) => (path.startsWith("settings.") ? path.slice("settings.".length) : path === "settings" ? "" : path),
  });
}
