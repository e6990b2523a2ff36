import type { GatewayConfig } from "@switchyard/config";
import { AppError } from "../app-error.ts";
import { buildPortalConfig } from "../portal-router/gateway-sync/build-portal-config.ts";
import { loadPortalState } from "../portal-router/gateway-sync/load-portal-state.ts";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "./publish-config.ts";

export interface RollbackConfigOptions extends Publisher {
  version: number;
  message?: string | undefined;
}

/**
 * Republishes version N's config as a new version, through the same validate → dry-run compile →
 * store → push path as every other change, so a config the current code can't run is refused.
 * The developer portal's part of the config is regenerated from the portal tables in the same
 * version: rolling routes back never brings back revoked keys or drops today's subscriptions.
 */
export async function rollbackConfig(options: RollbackConfigOptions): Promise<PublishResult> {
  const row = await options.db.prisma.configVersion.findUnique({ where: { version: options.version }, select: { config: true } });
  if (!row) throw new AppError("NOT_FOUND", `No version ${options.version}`);
  const config = row.config as unknown as GatewayConfig;
  return publishConfig({
    ...publisherOf(options),
    message: options.message ?? `Roll back to version ${options.version}`,
    action: "config.rollback",
    target: `version:${options.version}`,
    ignoresCurrent: true,
    load: () => loadPortalState(options.db),
    build: (_current, portal) => buildPortalConfig(config, portal),
  });
}
