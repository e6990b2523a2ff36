import { parseArgs } from "node:util";
import { connect } from "../connect.ts";
import type { CliEnv } from "../env.ts";
import { formatTable } from "../format-table.ts";
import type { CliIo } from "../io.ts";

/** `switchyard history [-n count]`: published versions, newest first. */
export async function historyCommand(args: string[], io: CliIo, env: CliEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { limit: { type: "string", short: "n", default: "20" } }, strict: true });
  const limit = Math.max(1, Number(values.limit) || 20);
  const api = await connect(env);
  const versions = (await api.config.versions.query()).slice(0, limit);
  if (versions.length === 0) {
    io.stdout("No versions published yet.\n");
    return 0;
  }
  const rows = versions.map((v) => [
    String(v.version),
    v.createdAt,
    v.author,
    v.rolloutState === "staged" && v.rolloutSelector
      ? `staged (${Object.entries(v.rolloutSelector).map(([k, val]) => `${k}=${val}`).join(",")})${v.superseded ? ", superseded" : ""}`
      : v.rolloutState,
    String(v.runningCount),
    v.hash.slice(0, 12),
    v.message,
  ]);
  io.stdout(formatTable(["VERSION", "CREATED", "AUTHOR", "ROLLOUT", "RUNNING", "HASH", "MESSAGE"], rows));
  return 0;
}
