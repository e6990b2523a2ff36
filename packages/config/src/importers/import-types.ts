import type { GatewayConfigInput } from "../gateway-config.ts";

export type ConfigFormat = "switchyard" | "kong" | "kubernetes" | "istio";

/** What an importer produces: our config plus what it could not carry over (never dropped silently). */
export interface ImportedConfig {
  format: ConfigFormat;
  config: GatewayConfigInput;
  warnings: string[];
  /** Services the source names but gives no endpoints for; `mergeImported` takes their targets from the running config. */
  servicesWithoutTargets: string[];
}

/**
 * Reads a file an imported resource names (an Istio DestinationRule's certificate paths), where
 * the import runs beside those files: the CLI and a gateway's `--config` give one, resolving
 * relative paths from the config file's folder. Throws when the file can't be read. Without one
 * (the control plane, the console) such paths are named in warnings instead.
 */
export type ImportFileReader = (path: string) => string;

export interface ImportOptions {
  readFile?: ImportFileReader;
}

/** A YAML/JSON document as parsed: untyped until checked field by field. */
export type Doc = Record<string, unknown>;

export const isObject = (v: unknown): v is Doc => typeof v === "object" && v !== null && !Array.isArray(v);
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** A name our schema accepts (lowercase DNS-label style) from a Kong/Istio/Kubernetes name or host. */
export function toName(raw: string): string {
  const cleaned = raw.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return (cleaned || "unnamed").slice(0, 63).replace(/[^a-z0-9]+$/, "");
}

/** Warns about every key of `obj` that the importer does not map. */
export function warnUnknown(obj: Doc, known: readonly string[], where: string, warnings: string[]): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) warnings.push(`${where}: "${key}" is not supported and was not imported`);
  }
}
