import { redactSecrets, type GatewayConfig } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import type { Role } from "../auth-router/roles.ts";
import { getCurrentConfig } from "./get-current-config.ts";

/** Who reads configs with their secrets: those who may publish them again. */
export const seesSecrets = (role: Role): boolean => role === "admin" || role === "editor";

/**
 * The config as `role` may read it: viewers get every secret of SECRET_FIELDS (private keys,
 * credentials and their hashes, collector and upstream auth headers, Redis passwords) replaced
 * by REDACTED_SECRET. Applying such a config is refused by the schema with a field error on each
 * redacted value, so a viewer's export can never replace a working secret.
 */
export function configForRole(config: GatewayConfig, role: Role): GatewayConfig {
  return seesSecrets(role) ? config : redactSecrets(config);
}

/** Applies configForRole to anything carrying a `config` (current config, version detail). */
export function withConfigForRole<T extends { config: GatewayConfig }>(value: T, role: Role): T;
export function withConfigForRole<T extends { config: GatewayConfig }>(value: T | null, role: Role): T | null;
export function withConfigForRole<T extends { config: GatewayConfig }>(value: T | null, role: Role): T | null {
  return value === null ? null : { ...value, config: configForRole(value.config, role) };
}

/** The running config as `role` may read it, for procedures that answer with parts of it. */
export async function getCurrentConfigFor(options: { db: Db; role: Role }): Promise<GatewayConfig | null> {
  const current = await getCurrentConfig({ db: options.db });
  return current ? configForRole(current.config, options.role) : null;
}
