import { parseArgs } from "node:util";
import { CliError } from "../cli-error.ts";
import { connect } from "../connect.ts";
import type { CliEnv } from "../env.ts";
import type { CliIo } from "../io.ts";

/** `switchyard rollback <version> [-m message]`: republishes that version's config as a new version. */
export async function rollbackCommand(args: string[], io: CliIo, env: CliEnv): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { message: { type: "string", short: "m" } }, allowPositionals: true, strict: true });
  const version = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(version) || version < 1) throw new CliError("Usage: switchyard rollback <version> [-m <message>]");
  const api = await connect(env);
  const result = await api.config.rollback.mutate({ version, ...(values.message ? { message: values.message } : {}) });
  if (result.changed) io.stdout(`Rolled back: version ${result.version} has the config of version ${version} (${result.hash.slice(0, 12)})\n`);
  else io.stdout(`Unchanged: version ${result.version} already has the config of version ${version}\n`);
  return 0;
}
