import type { Logger } from "./log.ts";
import { startGateway, type GatewayOptions } from "./start-gateway.ts";

/**
 * Runs a gateway as the whole process: starts it, and on SIGINT/SIGTERM drains in-flight
 * requests and exits (a second signal exits at once). Shared by `main.ts` and
 * `switchyard gateway` so both behave the same.
 */
export async function runGatewayProcess(options: GatewayOptions & { logger: Logger }): Promise<void> {
  const log = options.logger;
  const gateway = await startGateway(options).catch((e: Error) => {
    log("error", `could not start: ${e.message}`);
    process.exit(1);
  });

  let signals = 0;
  const onSignal = (signal: string): void => {
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
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
}
