import { startDemoServices } from "./demo-services.ts";
import { readEnv } from "./env.ts";

const env = readEnv();
const servers = await startDemoServices(env.SWITCHYARD_DEMO_BASE_PORT, env.SWITCHYARD_DEMO_HOST);
for (const s of servers) console.log(`demo ${s.service} ${s.version} listening on http://${env.SWITCHYARD_DEMO_HOST}:${s.port}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`demo services: ${signal}, closing`);
  await Promise.all(servers.map((s) => s.close()));
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
