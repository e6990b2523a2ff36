import { diffLines } from "diff";
import { GatewayConfigSchema, type GatewayConfig } from "@switchyard/config";
import { configToYaml } from "@switchyard/config/yaml";
import type { Db } from "@switchyard/db";
import type { Role } from "../auth-router/roles.ts";
import { getConfigVersion } from "./get-config-version.ts";
import { configForRole } from "./redact-config.ts";

export interface DiffLine {
  kind: "add" | "remove" | "same";
  text: string;
}

export interface ConfigDiff {
  from: { version: number; yaml: string };
  to: { version: number; yaml: string };
  lines: DiffLine[];
  added: number;
  removed: number;
}

/**
 * YAML in the schema's key order: the database returns JSON objects with its own key order, and
 * parsing again (idempotent for stored configs) puts keys back where a user wrote them.
 */
export function normalizedYaml(config: GatewayConfig, role: Role = "admin"): string {
  // Redacted after parsing: the schema refuses redacted secrets, as it must on the way in.
  return configToYaml(configForRole(GatewayConfigSchema.parse(config), role));
}

export function lineDiff(before: string, after: string): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const part of diffLines(before, after)) {
    const kind = part.added ? "add" : part.removed ? "remove" : "same";
    const text = part.value.endsWith("\n") ? part.value.slice(0, -1) : part.value;
    for (const line of text.split("\n")) lines.push({ kind, text: line });
  }
  return lines;
}

/**
 * Line diff of two versions' configs, as YAML, as `role` may read them (viewers see secrets
 * redacted on both sides, so a changed secret alone shows as no line change).
 */
export async function diffConfigVersions(options: { db: Db; from: number; to: number; role?: Role }): Promise<ConfigDiff> {
  const [from, to] = await Promise.all([getConfigVersion({ db: options.db, version: options.from }), getConfigVersion({ db: options.db, version: options.to })]);
  const role = options.role ?? "viewer";
  const fromYaml = normalizedYaml(from.config, role);
  const toYaml = normalizedYaml(to.config, role);
  const lines = lineDiff(fromYaml, toYaml);
  return {
    from: { version: from.version, yaml: fromYaml },
    to: { version: to.version, yaml: toYaml },
    lines,
    added: lines.filter((l) => l.kind === "add").length,
    removed: lines.filter((l) => l.kind === "remove").length,
  };
}
