import { applyCommand } from "./commands/apply-command.ts";
import { diffCommand } from "./commands/diff-command.ts";
import { exportCommand } from "./commands/export-command.ts";
import { historyCommand } from "./commands/history-command.ts";
import { rollbackCommand } from "./commands/rollback-command.ts";
import { gatewayCommand } from "./commands/gateway-command.ts";
import { statusCommand } from "./commands/status-command.ts";
import { validateCommand } from "./commands/validate-command.ts";
import { describeError } from "./cli-error.ts";
import { readEnv, type CliEnv } from "./env.ts";
import type { CliIo } from "./io.ts";

const USAGE = `Usage: switchyard <command> [options]

Commands:
  apply -f <file> [-m <message>]   validate a config file and publish it as a new version
  diff -f <file>                   show how a config file differs from the running version (exit 1 if it does)
  export [-o <file>] [--format kong]  print (or write) the current config as YAML (ours or Kong's)
  history [-n <count>]             list published versions, newest first
  rollback <version> [-m <msg>]    publish an earlier version's config as a new version
  status                           list data planes and the config version they run
  validate -f <file>               check a config file offline
  gateway --config <file> [--port N] [--https-port N] [--admin-port N] [--workers N]
          [--cache-dir DIR] [--http-server lean|node]
                                   run a standalone data plane from a config file

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
  if (!command || command === "help" || command === "--help" || command === "-h" || args.includes("--help") || args.includes("-h")) {
    io.stdout(USAGE);
    return command ? 0 : 1;
  }
  let env: CliEnv | null = null;
  try {
    env = readEnv(rawEnv);
    switch (command) {
      case "apply":
        return await applyCommand(args, io, env);
      case "diff":
        return await diffCommand(args, io, env);
      case "history":
        return await historyCommand(args, io, env);
      case "rollback":
        return await rollbackCommand(args, io, env);
      case "export":
        return await exportCommand(args, io, env);
      case "status":
        return await statusCommand(args, io, env);
      case "validate":
        return await validateCommand(args, io);
      case "gateway":
        return await gatewayCommand(args, io);
      default:
        io.stderr(`Unknown command "${command}"\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    io.stderr(`Error: ${describeError(error, env?.SWITCHYARD_URL ?? "the control plane")}\n`);
    return 1;
  }
}
