import { startEchoServer, type EchoServer } from "./echo-server.ts";

/** The demo upstreams of the seed config, at base, base+1, base+2. */
export const DEMO_SERVICES = [
  { service: "user-service", version: "v1", offset: 0 },
  { service: "user-service", version: "v2", offset: 1 },
  { service: "order-service", version: "v1", offset: 2 },
] as const;

export async function startDemoServices(basePort: number, host = "127.0.0.1"): Promise<EchoServer[]> {
  const servers: EchoServer[] = [];
  try {
    for (const d of DEMO_SERVICES) {
      servers.push(await startEchoServer({ service: d.service, version: d.version, port: basePort + d.offset, host }));
    }
  } catch (e) {
    await Promise.all(servers.map((s) => s.close()));
    throw e;
  }
  return servers;
}
