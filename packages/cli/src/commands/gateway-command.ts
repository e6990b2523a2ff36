import path from "node:path";
import { parseArgs } from "node:util";
import { consoleLogger, runGatewayProcess } from "@switchyard/gateway";
import { CliError } from "../cli-error.ts";
import type { CliIo } from "../io.ts";
import { loadConfigFile, reportInvalid } from "./validate-command.ts";

const USAGE = "Usage: switchyard gateway --config <file> [--port 8080] [--https-port 8443] [--admin-port 9901] [--workers N] [--cache-dir DIR] [--http-server lean|node]";

const portOption = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`--${name} must be a port number (0-65535)\n${USAGE}`);
  return n;
};

/**
 * Standalone data plane (like Kong DB-less or APISIX standalone): serves a config file with no
 * control plane. Runs until SIGINT/SIGTERM, then drains.
 */
export async function gatewayCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string", short: "c" },
      port: { type: "string" },
      "https-port": { type: "string" },
      "admin-port": { type: "string" },
      workers: { type: "string" },
      "http-server": { type: "string" },
      "cache-dir": { type: "string" },
    },
    strict: true,
  });
  if (!values.config) throw new CliError(USAGE);
  // Check the file first so a bad config fails with field errors, before any port is opened.
  const loaded = await loadConfigFile(values.config, io);
  if (!loaded.ok) {
    reportInvalid(values.config, loaded.errors, io);
    return 1;
  }
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 256)) throw new CliError(`--workers must be 1-256\n${USAGE}`);
  const httpServer = values["http-server"];
  if (httpServer !== undefined && httpServer !== "lean" && httpServer !== "node") throw new CliError(`--http-server must be lean or node\n${USAGE}`);
  await runGatewayProcess({
    configFile: path.resolve(io.cwd, values.config),
    proxyPort: portOption(values.port, 8080, "port"),
    // Off unless asked for: the certificates come from the config file.
    httpsPort: values["https-port"] === undefined ? null : portOption(values["https-port"], 8443, "https-port"),
    adminPort: portOption(values["admin-port"], 9901, "admin-port"),
    workers,
    httpServer,
    controlPlane: null,
    cacheDir: values["cache-dir"] ? path.resolve(io.cwd, values["cache-dir"]) : null,
    logger: consoleLogger(),
  });
  return -1; // keeps running; the process exits from its signal handlers
}
