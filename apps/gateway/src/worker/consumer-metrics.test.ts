import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import { hashApiKey } from "@switchyard/config/credential-hashing";
import { startEchoServer, type EchoServer } from "@switchyard/demo-services";
import { startGateway, type RunningGateway } from "../start-gateway.ts";
import { makeSnapshot } from "../testing/fake-control-plane.ts";
import { captureLogger, proxyClient, send, waitUntil } from "../testing/fixtures.ts";

const KEY = "dora-secret-key-1234567890";

/** Sum of a counter's samples whose labels include every `match` pair. */
function sample(text: string, name: string, match: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name + "{")) continue;
    if (!Object.entries(match).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

describe("consumer label on request metrics", () => {
  let upstream: EchoServer;
  let gw: RunningGateway;
  let client: Pool;

  beforeAll(async () => {
    upstream = await startEchoServer({ service: "echo", version: "v1", port: 0 });
    gw = await startGateway({
      proxyPort: 0, adminPort: 0, proxyHost: "127.0.0.1", workers: 1, cacheDir: null, logger: captureLogger(),
      snapshot: makeSnapshot(1, {
        services: [{ name: "echo", targets: [{ host: "127.0.0.1", port: upstream.port }] }],
        routes: [
          { name: "keyed", path: { type: "prefix", value: "/keyed" }, rules: [{ destinations: [{ service: "echo" }] }] },
          { name: "open", path: { type: "prefix", value: "/open" }, rules: [{ destinations: [{ service: "echo" }] }] },
        ],
        consumers: [{ username: "eve" }, { username: "dora", credentials: { key_auth: [{ key_hash: hashApiKey(KEY) }] } }],
        policies: [{ type: "key-auth", name: "keys", scope: { kind: "route", name: "keyed" } }],
      }),
    });
    client = proxyClient(gw.proxyPort, 2);
  });
  afterAll(async () => {
    await client?.close();
    await gw?.stop();
    await upstream?.close();
  });

  it("labels requests with the authenticated consumer, and only those", async () => {
    for (let i = 0; i < 3; i++) expect((await send(client, "/keyed/x", { headers: { apikey: KEY } })).status).toBe(200);
    expect((await send(client, "/keyed/x", { headers: { apikey: "wrong-key-000000000" } })).status).toBe(401);
    expect((await send(client, "/open/x")).status).toBe(200);

    let text = "";
    await waitUntil(async () => {
      text = await (await fetch(`http://127.0.0.1:${gw.adminPort}/metrics`)).text();
      return sample(text, "switchyard_http_requests_total", {}) >= 5;
    }, 3_000, "all requests counted");
    expect(sample(text, "switchyard_http_requests_total", { route: "keyed", code: "200", consumer: "dora" })).toBe(3);
    expect(sample(text, "switchyard_http_requests_total", { route: "keyed", code: "401", consumer: "" })).toBe(1);
    expect(sample(text, "switchyard_http_requests_total", { route: "open", code: "200", consumer: "" })).toBe(1);
    expect(sample(text, "switchyard_http_requests_total", { consumer: "eve" })).toBe(0);
  });
});
