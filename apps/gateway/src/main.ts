import { readEnv } from "./env.ts";
import { consoleLogger } from "./log.ts";
import { runGatewayProcess } from "./run-gateway-process.ts";

const log = consoleLogger();
let env;
try {
  env = readEnv();
} catch (e) {
  log("error", (e as Error).message);
  process.exit(2);
}

await runGatewayProcess({
  proxyPort: env.SWITCHYARD_PROXY_PORT,
  proxyHost: env.SWITCHYARD_PROXY_HOST,
  httpsPort: env.SWITCHYARD_HTTPS_PORT ?? null,
  adminPort: env.SWITCHYARD_ADMIN_PORT,
  adminHost: env.SWITCHYARD_ADMIN_HOST,
  workers: env.SWITCHYARD_WORKERS,
  controlPlane: env.SWITCHYARD_DP_TOKEN ? { url: env.SWITCHYARD_CP_URL, token: env.SWITCHYARD_DP_TOKEN } : null,
  configFile: env.SWITCHYARD_CONFIG_FILE ?? null,
  cacheDir: env.SWITCHYARD_CACHE_DIR,
  redisUrl: env.SWITCHYARD_REDIS_URL,
  nodeId: env.SWITCHYARD_NODE_ID,
  labels: env.SWITCHYARD_LABELS,
  accessLog: { destination: env.SWITCHYARD_ACCESS_LOG, sampleRate: env.SWITCHYARD_ACCESS_LOG_SAMPLE },
  istioMetrics: env.SWITCHYARD_ISTIO_METRICS,
  httpServer: env.SWITCHYARD_HTTP_SERVER,
  logger: log,
});
