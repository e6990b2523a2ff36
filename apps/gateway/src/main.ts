import { readEnv } from "./env.ts";
import { consoleLogger } from "./log.ts";
import { startGateway } from "./start-gateway.ts";

const log = consoleLogger();
let env;
try {
  env = readEnv();
} catch (e) {
  log("error", (e as Error).message);
  process.exit(2);
}

const gateway = await startGateway({
  proxyPort: env.SWITCHYARD_PROXY_PORT,
  proxyHost: env.SWITCHYARD_PROXY_HOST,
  adminPort: env.SWITCHYARD_ADMIN_PORT,
  adminHost: env.SWITCHYARD_ADMIN_HOST,
  workers: env.SWITCHYARD_WORKERS,
  controlPlane: env.SWITCHYARD_DP_TOKEN ? { url: env.SWITCHYARD_CP_URL, token: env.SWITCHYARD_DP_TOKEN } : null,
  configFile: env.SWITCHYARD_CONFIG_FILE ?? null,
  cacheDir: env.SWITCHYARD_CACHE_DIR,
  nodeId: env.SWITCHYARD_NODE_ID,
  labels: env.SWITCHYARD_LABELS,
  logger: log,
}).catch((e: Error) => {
  log("error", `could not start: ${e.message}`);
  process.exit(1);
});

let signals = 0;
function onSignal(signal: string): void {
  signals++;
  if (signals > 1) {
    log("warn", `${signal} again: exiting without waiting for in-flight requests`);
    process.exit(1);
  }
  log("info", `${signal} received`);
  gateway.stop().then(() => process.exit(0), (e: Error) => {
    log("error", `error while stopping: ${e.message}`);
    process.exit(1);
  });
}
process.on("SIGINT", () => onSignal("SIGINT"));
process.on("SIGTERM", () => onSignal("SIGTERM"));
