import { parseArgs } from "node:util";
import { CliError } from "../cli-error.ts";
import { connect } from "../connect.ts";
import type { CliEnv } from "../env.ts";
import type { CliIo } from "../io.ts";
import { readRunningConfig } from "../running-config.ts";
import { loadConfigFile, reportImport, reportInvalid } from "./validate-command.ts";

export async function applyCommand(args: string[], io: CliIo, env: CliEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { file: { type: "string", short: "f" }, message: { type: "string", short: "m" } }, strict: true });
  if (!values.file) throw new CliError("Usage: switchyard apply -f <config.yaml> [-m <message>]");
  // Checked locally first: bad input in our own format never needs a round trip or credentials.
  let result = await loadConfigFile(values.file, io);
  if (!result.ok && (!result.format || result.format === "switchyard")) {
    reportInvalid(values.file, result.errors, io);
    return 1;
  }
  const api = await connect(env);
  if (result.format && result.format !== "switchyard") {
    // Imports are laid over the running config by name, so read it first.
    const current = await api.config.current.query();
    result = await loadConfigFile(values.file, io, current ? readRunningConfig(current.config).config : null);
  }
  reportImport(values.file, result, io);
  if (!result.ok) {
    reportInvalid(values.file, result.errors, io);
    return 1;
  }
  const published = await api.config.replace.mutate({ config: result.config, message: values.message });
  if (published.changed) io.stdout(`Applied: version ${published.version} (${published.hash.slice(0, 12)})\n`);
  else io.stdout(`Unchanged: version ${published.version} already has this config\n`);
  return 0;
}
