import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCertificate } from "@switchyard/config/testing";
import { startGateway, type RunningGateway } from "../start-gateway.ts";
import { captureLogger, tempDir } from "../testing/fixtures.ts";
import { startTlsUpstream, type TlsUpstream } from "../testing/tls-upstream.ts";

const SNI = "pay.internal";

/** An Istio DestinationRule as users write it: MUTUAL with file paths (relative here), plus the ServiceEntry and VirtualService around it. */
function istioYaml(port: number, keyFile: string): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: pay }
spec:
  hosts: [pay]
  ports: [{ number: 443, name: https, protocol: HTTPS }]
  endpoints: [{ address: 127.0.0.1, ports: { https: ${port} } }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: pay }
spec:
  host: pay
  trafficPolicy:
    tls:
      mode: MUTUAL
      clientCertificate: certs/client.pem
      privateKey: ${keyFile}
      caCertificates: certs/ca.pem
      sni: ${SNI}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: pay }
spec:
  hosts: ["*"]
  http:
  - match: [{ uri: { prefix: /pay } }]
    route: [{ destination: { host: pay } }]
`;
}

describe("switchyard gateway --config with an Istio MUTUAL DestinationRule naming certificate files", () => {
  let upstream: TlsUpstream;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const gateways: RunningGateway[] = [];

  beforeAll(async () => {
    const server = makeTestCertificate(SNI);
    const client = makeTestCertificate("gateway-client");
    upstream = await startTlsUpstream(server, { clientCa: client.cert });
    dir = await tempDir();
    await mkdir(join(dir.path, "certs"));
    await writeFile(join(dir.path, "certs/client.pem"), client.cert);
    await writeFile(join(dir.path, "certs/client.key"), client.key);
    await writeFile(join(dir.path, "certs/ca.pem"), server.cert);
  });
  afterAll(async () => {
    for (const gw of gateways) await gw.stop();
    await upstream?.close();
    await dir?.remove();
  });

  async function start(keyFile: string): Promise<{ gw: RunningGateway; lines: string[] }> {
    const file = join(dir.path, `istio-${gateways.length}.yaml`);
    await writeFile(file, istioYaml(upstream.port, keyFile));
    const logger = captureLogger();
    const gw = await startGateway({ proxyPort: 0, adminPort: 0, workers: 1, cacheDir: null, logger, configFile: file });
    gateways.push(gw);
    return { gw, lines: logger.lines };
  }

  it("reads the files beside the config: the upstream that requires a client certificate gets the gateway's", async () => {
    const { gw, lines } = await start("certs/client.key");
    const res = await fetch(`http://127.0.0.1:${gw.proxyPort}/pay/charge`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ path: "/pay/charge", servername: SNI, clientCn: "gateway-client" });
    expect(lines.filter((l) => l.startsWith("warn"))).toEqual([]);
  });

  it("a key file that isn't there: imported as SIMPLE, the handshake refused (503 UF), and the warning logged at start", async () => {
    const { gw, lines } = await start("certs/missing.key");
    const res = await fetch(`http://127.0.0.1:${gw.proxyPort}/pay/charge`);
    expect(res.status).toBe(503);
    expect(res.headers.get("x-switchyard-flag")).toBe("UF");
    expect(lines).toContainEqual(expect.stringMatching(/^warn .*istio-1\.yaml \(istio\): DestinationRule pay trafficPolicy\.tls: privateKey "certs\/missing\.key" could not be read \(ENOENT\)$/));
    expect(lines).toContainEqual(expect.stringContaining("mode MUTUAL is imported as SIMPLE"));
  });
});
