import { GatewayConfigSchema, type FieldError, type GatewayConfig } from "@switchyard/config";
import type { ConfigFormat } from "@switchyard/config/importers";
import { parseConfigText } from "@switchyard/config/yaml";
import type { Db } from "@switchyard/db";
import { lineDiff, normalizedYaml, type DiffLine } from "./diff-config-versions.ts";
import { getCurrentConfig } from "./get-current-config.ts";

export interface ImportPreview {
  format: ConfigFormat | null;
  warnings: string[];
  errors: FieldError[];
  /** The config that would be published, when there are no errors. */
  config: GatewayConfig | null;
  baseVersion: number | null;
  lines: DiffLine[];
  added: number;
  removed: number;
}

/**
 * What publishing pasted YAML would do, without storing anything: the format it was read as,
 * what an import could not carry over, field errors, and a line diff against the running config.
 * Kong/Kubernetes/Istio input is laid over the running config by name, as `switchyard apply` does.
 */
export async function previewImport(options: { db: Db; text: string }): Promise<ImportPreview> {
  const current = await getCurrentConfig({ db: options.db });
  const base = current ? GatewayConfigSchema.parse(current.config) : null;
  const parsed = parseConfigText(options.text, { base });
  const before = base ? normalizedYaml(base) : "";
  if (!parsed.ok) {
    return { format: parsed.format ?? null, warnings: parsed.warnings ?? [], errors: parsed.errors, config: null, baseVersion: current?.version ?? null, lines: [], added: 0, removed: 0 };
  }
  const lines = lineDiff(before, normalizedYaml(parsed.config));
  return {
    format: parsed.format,
    warnings: parsed.warnings,
    errors: [],
    config: parsed.config,
    baseVersion: current?.version ?? null,
    lines,
    added: lines.filter((l) => l.kind === "add").length,
    removed: lines.filter((l) => l.kind === "remove").length,
  };
}
