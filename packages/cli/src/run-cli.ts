import { applyCommand } from "./commands/apply-command.ts";
import { exportCommand } from "./commands/export-command.ts";
import { statusCommand } from "./commands/status-command.ts";
import { validateCommand } from "./commands/validate-command.ts";
import { describeError } from "./cli-error.ts";
import { readEnv, type CliEnv } from "./env.ts";
import type { CliIo } from "./io.ts";

const USAGE = `Usage: switchyard <command> [options]

Commands:
  apply -f <file> [-m <message>]   validate a config file and publish it as a new version
  export [-o <file>]               print (or write) the current config as YAML
  status                           list data planes and the config version they run
  validate -f <file>               check a config file offline

Environment:
  SWITCHYARD_URL             control plane (default http://127.0.0.1:4000)
  SWITCHYARD_TOKEN           API token (Authorization: Bearer), or
  SWITCHYARD_ADMIN_PASSWORD  password of SWITCHYARD_USER (default admin)
`;

/**
 * Runs one CLI invocation and returns its exit code; never exits the process itself.
 * `rawEnv` defaults to the process environment (read in env.ts).
 */
export async function runCli(argv: string[], io: CliIo, rawEnv?: Record<string, string | undefined>): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    io.stdout(USAGE);
    return command ? 0 : 1;
  }
  let env: CliEnv | null = null;
  try {
    env = readEnv(rawEnv);
    switch (command) {
      case "apply":
        return await applyCommand(args, io, env);
      case "export":
        return await exportCommand(args, io, env);
      case "status":
        return await statusCommand(args, io, env);
      case "validate":
        return await validateCommand(args, io);
      default:
        io.stderr(`Unknown command "${command}"\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    io.stderr(`Error: ${describeError(error, env?.SWITCHYARD_URL ?? "the control plane")}\n`);
    return 1;
  }
}
