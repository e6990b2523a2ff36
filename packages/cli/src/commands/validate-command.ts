import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatFieldErrors, type FieldError, type GatewayConfig } from "@switchyard/config";
import { parseConfigText } from "@switchyard/config/yaml";
import { compileConfig, isConfigCompileError } from "@switchyard/routing";
import { CliError, indent } from "../cli-error.ts";
import type { CliIo } from "../io.ts";

export type LoadResult = { ok: true; config: GatewayConfig } | { ok: false; errors: FieldError[] };

/** Reads and checks a config file as the control plane would: schema, then a dry-run compile. */
export async function loadConfigFile(file: string, io: CliIo): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), "utf8");
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = parseConfigText(text);
  if (!parsed.ok) return parsed;
  try {
    compileConfig(parsed.config);
  } catch (error) {
    if (isConfigCompileError(error)) return { ok: false, errors: [{ path: error.path, message: error.message }] };
    throw error;
  }
  return parsed;
}

export function reportInvalid(file: string, errors: FieldError[], io: CliIo): void {
  io.stderr(`${file} is invalid:\n${indent(formatFieldErrors(errors))}\n`);
}

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { file: { type: "string", short: "f" } }, strict: true });
  if (!values.file) throw new CliError("Usage: switchyard validate -f <config.yaml>");
  const result = await loadConfigFile(values.file, io);
  if (!result.ok) {
    reportInvalid(values.file, result.errors, io);
    return 1;
  }
  io.stdout(`${values.file} is valid: ${result.config.services.length} services, ${result.config.routes.length} routes\n`);
  return 0;
}
