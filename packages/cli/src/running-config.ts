import { GatewayConfigSchema, RedactableGatewayConfigSchema, redactedSecretIssues, type GatewayConfig } from "@switchyard/config";

/**
 * The running config as `config.current` returned it, with defaults filled in. A viewer's copy
 * has its secrets redacted (secret-fields.ts), which GatewayConfigSchema refuses on the way in;
 * it is read with the schema that lets them through, and `redacted` names where they are.
 */
export function readRunningConfig(raw: GatewayConfig | null | undefined): { config: GatewayConfig; redacted: string[] } {
  if (!raw) return { config: GatewayConfigSchema.parse({}), redacted: [] };
  const config = RedactableGatewayConfigSchema.parse(raw);
  return { config, redacted: redactedSecretIssues(config).map((issue) => issue.path) };
}
