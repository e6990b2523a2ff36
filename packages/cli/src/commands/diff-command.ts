import { parseArgs } from "node:util";
import { createTwoFilesPatch } from "diff";
import { GatewayConfigSchema, type GatewayConfig } from "@switchyard/config";
import { configToYaml } from "@switchyard/config/yaml";
import { CliError } from "../cli-error.ts";
import { connect } from "../connect.ts";
import type { CliEnv } from "../env.ts";
import type { CliIo } from "../io.ts";
import { readRunningConfig } from "../running-config.ts";
import { loadConfigFile, reportInvalid } from "./validate-command.ts";

/** YAML in the schema's key order and with defaults filled in, so only meaning shows up as a difference. */
export function normalizedYaml(config: GatewayConfig): string {
  return configToYaml(GatewayConfigSchema.parse(config));
}

/**
 * `switchyard diff -f file`: the file's normalized config against the running version, as a
 * unified diff. Exit 0 when equal, 1 when different (like diff(1)); errors also exit 1, with a message.
 */
export async function diffCommand(args: string[], io: CliIo, env: CliEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { file: { type: "string", short: "f" } }, strict: true });
  if (!values.file) throw new CliError("Usage: switchyard diff -f <config.yaml>");
  const result = await loadConfigFile(values.file, io);
  if (!result.ok) {
    reportInvalid(values.file, result.errors, io);
    return 1;
  }
  const api = await connect(env);
  const current = await api.config.current.query();
  const running = configToYaml(readRunningConfig(current?.config).config);
  const wanted = normalizedYaml(result.config);
  if (running === wanted) return 0;
  const label = current ? `running (version ${current.version})` : "running (nothing published)";
  // Drop the "Index:"/"====" preamble: the output reads like `diff -u`.
  const patch = createTwoFilesPatch(label, values.file, running, wanted, undefined, undefined, { context: 3 });
  io.stdout(patch.split("\n").filter((line) => !line.startsWith("====")).join("\n"));
  return 1;
}
