import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { exportKong } from "@switchyard/config/exporters";
import { configToYaml } from "@switchyard/config/yaml";
import { CliError, indent } from "../cli-error.ts";
import { connect } from "../connect.ts";
import type { CliEnv } from "../env.ts";
import type { CliIo } from "../io.ts";
import { readRunningConfig } from "../running-config.ts";

export async function exportCommand(args: string[], io: CliIo, env: CliEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { output: { type: "string", short: "o" }, format: { type: "string", default: "switchyard" } }, strict: true });
  if (values.format !== "switchyard" && values.format !== "kong") throw new CliError(`--format must be switchyard or kong, not "${values.format}"`);
  const api = await connect(env);
  const current = await api.config.current.query();
  const { config, redacted } = readRunningConfig(current?.config);
  if (redacted.length > 0) {
    io.stderr(`${redacted.length} secret(s) are redacted for your role; an editor or admin must export them before the file can be applied:\n${indent(redacted.join("\n"))}\n`);
  }
  const header = `# Switchyard config, version ${current?.version ?? "none"}${current ? ` (${current.hash.slice(0, 12)})` : ""}\n`;
  let yaml: string;
  if (values.format === "kong") {
    const kong = exportKong(config);
    if (kong.warnings.length) io.stderr(`Kong can't express everything; ${kong.warnings.length} warning(s):\n${indent(kong.warnings.join("\n"))}\n`);
    yaml = header + stringify(kong.document);
  } else {
    yaml = header + configToYaml(config);
  }
  if (values.output) {
    await writeFile(path.resolve(io.cwd, values.output), yaml);
    io.stderr(`Wrote version ${current?.version ?? "none"} to ${values.output}\n`);
  } else {
    io.stdout(yaml);
  }
  return 0;
}
