import { parseArgs } from "node:util";
import { connect } from "../connect.ts";
import type { CliEnv } from "../env.ts";
import { formatTable } from "../format-table.ts";
import type { CliIo } from "../io.ts";

export async function statusCommand(args: string[], io: CliIo, env: CliEnv): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const api = await connect(env);
  const [current, nodes] = await Promise.all([api.config.current.query(), api.dataPlanes.list.query()]);
  const currentVersion = current?.version ?? null;
  io.stdout(`Current config version: ${currentVersion ?? "none"}${current ? ` (${current.hash.slice(0, 12)}, ${current.createdAt})` : ""}\n`);
  if (nodes.length === 0) {
    io.stdout("No data planes have connected yet.\n");
    return 0;
  }
  const rows = nodes.map((n) => [
    n.id,
    n.hostname,
    n.connected ? "yes" : "no",
    n.appliedVersion === null ? "none" : n.appliedVersion === currentVersion ? `${n.appliedVersion} (current)` : `${n.appliedVersion} (current ${currentVersion ?? "none"})`,
    n.lastSeenAt,
    n.lastError ?? "",
  ]);
  io.stdout(formatTable(["NODE ID", "HOSTNAME", "CONNECTED", "APPLIED VERSION", "LAST SEEN", "LAST ERROR"], rows));
  return 0;
}
