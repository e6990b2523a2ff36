import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { configToYaml } from "@switchyard/config/yaml";
import { connect } from "../connect.ts";
import type { CliEnv } from "../env.ts";
import type { CliIo } from "../io.ts";

export async function exportCommand(args: string[], io: CliIo, env: CliEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { output: { type: "string", short: "o" } }, strict: true });
  const api = await connect(env);
  const current = await api.config.current.query();
  const yaml = `# Switchyard config, version ${current?.version ?? "none"}${current ? ` (${current.hash.slice(0, 12)})` : ""}\n${configToYaml(current?.config ?? { services: [], routes: [] })}`;
  if (values.output) {
    await writeFile(path.resolve(io.cwd, values.output), yaml);
    io.stderr(`Wrote version ${current?.version ?? "none"} to ${values.output}\n`);
  } else {
    io.stdout(yaml);
  }
  return 0;
}
