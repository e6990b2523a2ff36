import { parse, stringify } from "yaml";
import { GatewayConfigSchema, type GatewayConfig } from "./gateway-config.ts";
import { toFieldErrors, type FieldError } from "./issues.ts";

export type ParseResult = { ok: true; config: GatewayConfig } | { ok: false; errors: FieldError[] };

/** Parses our YAML (or JSON) config format and validates it with the shared schema. */
export function parseConfigText(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    return { ok: false, errors: [{ path: "", message: `YAML: ${(e as Error).message}` }] };
  }
  const result = GatewayConfigSchema.safeParse(raw ?? {});
  return result.success ? { ok: true, config: result.data } : { ok: false, errors: toFieldErrors(result.error) };
}

export function configToYaml(config: GatewayConfig): string {
  return stringify(config);
}
