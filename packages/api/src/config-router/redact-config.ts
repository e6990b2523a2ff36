import { REDACTED_SECRET, type GatewayConfig } from "@switchyard/config";
import type { Role } from "../auth-router/roles.ts";

/** Who reads configs with their certificates' private keys: those who may publish them again. */
export const seesPrivateKeys = (role: Role): boolean => role === "admin" || role === "editor";

/**
 * The config as `role` may read it: viewers get every certificate's private key replaced by
 * REDACTED_SECRET (the certificate itself is public). Applying such a config is refused by the
 * schema with a field error on the key, so a redacted export can never replace a working key.
 */
export function configForRole(config: GatewayConfig, role: Role): GatewayConfig {
  if (seesPrivateKeys(role) || !config.certificates?.length) return config;
  return { ...config, certificates: config.certificates.map((c) => ({ ...c, key: REDACTED_SECRET })) };
}

/** Applies configForRole to anything carrying a `config` (current config, version detail). */
export function withConfigForRole<T extends { config: GatewayConfig }>(value: T, role: Role): T;
export function withConfigForRole<T extends { config: GatewayConfig }>(value: T | null, role: Role): T | null;
export function withConfigForRole<T extends { config: GatewayConfig }>(value: T | null, role: Role): T | null {
  return value === null ? null : { ...value, config: configForRole(value.config, role) };
}
