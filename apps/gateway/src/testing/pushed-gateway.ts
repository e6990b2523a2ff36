import type { Pool } from "undici";
import type { GatewayConfigInput } from "@switchyard/config";
import { startGateway, type RunningGateway } from "../start-gateway.ts";
import type { AccessLogOptions } from "../worker/access-log.ts";
import { FakeControlPlane, makeSnapshot } from "./fake-control-plane.ts";
import { captureLogger, proxyClient } from "./fixtures.ts";

export interface PushedGateway {
  cp: FakeControlPlane;
  gw: RunningGateway;
  client: Pool;
  /** Pushes `config` as the next version and waits for the gateway's ack (throws on a nack). */
  apply(config: GatewayConfigInput): Promise<void>;
  close(): Promise<void>;
}

/**
 * The setup most proxy suites share: a gateway connected to a fake control plane over the real
 * protocol, a keep-alive client to its proxy port, and `apply` to push config versions.
 */
export async function startPushedGateway(opts: { workers: number; connections: number; accessLog?: AccessLogOptions; httpsPort?: number }): Promise<PushedGateway> {
  const cp = await FakeControlPlane.start();
  const gw = await startGateway({
    proxyPort: 0, adminPort: 0, workers: opts.workers, httpsPort: opts.httpsPort ?? null, cacheDir: null, logger: captureLogger(), accessLog: opts.accessLog,
    controlPlane: { url: cp.url, token: cp.token, minBackoffMs: 50, maxBackoffMs: 200 },
  });
  const client = proxyClient(gw.proxyPort, opts.connections);
  await cp.waitForHello();
  let version = 0;
  return {
    cp, gw, client,
    async apply(config) {
      const snapshot = makeSnapshot(++version, config);
      const answer = await cp.apply(snapshot);
      if (answer.type !== "ack" || answer.version !== snapshot.version) throw new Error(`config version ${snapshot.version} was not acked: ${JSON.stringify(answer)}`);
    },
    async close() {
      await client.close();
      await gw.stop();
      await cp.close();
    },
  };
}
