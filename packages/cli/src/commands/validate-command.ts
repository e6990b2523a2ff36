import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatFieldErrors, type FieldError, type GatewayConfig } from "@switchyard/config";
import type { ConfigFormat } from "@switchyard/config/importers";
import { filesBeside } from "@switchyard/config/files-beside";
import { parseConfigText } from "@switchyard/config/yaml";
import { compileConfig, isConfigCompileError } from "@switchyard/routing";
import { CliError, indent } from "../cli-error.ts";
import type { CliIo } from "../io.ts";

export type LoadResult =
  | { ok: true; config: GatewayConfig; format: ConfigFormat; warnings: string[] }
  | { ok: false; errors: FieldError[]; format?: ConfigFormat; warnings?: string[] };

/** Reads and checks a config file as the control plane would: schema, then a dry-run compile. */
export async function loadConfigFile(file: string, io: CliIo, base: GatewayConfig | null = null): Promise<LoadResult> {
  let text: string;
  const resolved = path.resolve(io.cwd, file);
  try {
    text = await readFile(resolved, "utf8");
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = parseConfigText(text, { base, readFile: filesBeside(resolved) });
  if (!parsed.ok) return parsed;
  try {
    compileConfig(parsed.config);
  } catch (error) {
    if (isConfigCompileError(error)) return { ok: false, errors: [{ path: error.path, message: error.message }], format: parsed.format, warnings: parsed.warnings };
    throw error;
  }
  return parsed;
}

export function reportInvalid(file: string, errors: FieldError[], io: CliIo): void {
  io.stderr(`${file} is invalid:\n${indent(formatFieldErrors(errors))}\n`);
}

/** Imports from Kong/Kubernetes/Istio name what they could not carry over; say so, never silently. */
export function reportImport(file: string, result: { format?: ConfigFormat; warnings?: string[] }, io: CliIo): void {
  if (!result.format || result.format === "switchyard") return;
  io.stderr(`${file}: read as ${result.format} config${result.warnings?.length ? `, ${result.warnings.length} warning(s):\n${indent(result.warnings.join("\n"))}` : ""}\n`);
}

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { file: { type: "string", short: "f" } }, strict: true });
  if (!values.file) throw new CliError("Usage: switchyard validate -f <config.yaml>");
  const result = await loadConfigFile(values.file, io);
  reportImport(values.file, result, io);
  if (!result.ok) {
    reportInvalid(values.file, result.errors, io);
    return 1;
  }
  io.stdout(`${values.file} is valid: ${result.config.services.length} services, ${result.config.routes.length} routes\n`);
  return 0;
}
