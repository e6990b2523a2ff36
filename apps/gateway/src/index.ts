export { startGateway, type GatewayOptions, type RunningGateway } from "./start-gateway.ts";
export { GatewayErrors, type GatewayError } from "./errors.ts";
export { dataPlaneSocketUrl } from "./supervisor/control-plane-client.ts";
export { consoleLogger, silentLogger, type Logger } from "./log.ts";
export { runGatewayProcess } from "./run-gateway-process.ts";
