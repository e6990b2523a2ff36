import { GatewayConfigSchema, REDACTED_SECRET, type GatewayConfig } from "@switchyard/config";

/**
 * The running config as `config.current` returned it, with defaults filled in. A viewer's copy
 * has its certificates' private keys redacted, which the schema refuses on the way in; those
 * certificates were validated when they were published, so they are carried over unparsed.
 */
export function readRunningConfig(raw: GatewayConfig | null | undefined): { config: GatewayConfig; redactedKeys: string[] } {
  if (!raw) return { config: GatewayConfigSchema.parse({}), redactedKeys: [] };
  const redactedKeys = (raw.certificates ?? []).filter((c) => c.key === REDACTED_SECRET).map((c) => c.name);
  if (redactedKeys.length === 0) return { config: GatewayConfigSchema.parse(raw), redactedKeys };
  const { certificates, ...rest } = raw;
  return { config: { ...GatewayConfigSchema.parse(rest), certificates }, redactedKeys };
}
