export { startEchoServer, type EchoServer, type EchoServerOptions } from "./echo-server.ts";
export { startDemoServices, DEMO_SERVICES } from "./demo-services.ts";
