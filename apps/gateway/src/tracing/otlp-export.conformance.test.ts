import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayConfigInput, TracingInput } from "@switchyard/config";
import { startPushedGateway, type PushedGateway } from "../testing/pushed-gateway.ts";
import { startFaultServer, type FaultServer } from "../testing/fault-server.ts";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../testing/otlp-receiver.ts";
import { closedPort, send, waitUntil } from "../testing/fixtures.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

function parentOf(header: string | string[] | undefined): string {
  return String(header).slice(36, 52);
}

describe("OTLP/HTTP span export (one worker, loopback collector and upstreams)", () => {
  let pushed: PushedGateway;
  let receiver: OtlpReceiver;
  let other: OtlpReceiver;
  let up: FaultServer;
  let flaky: FaultServer;
  let deadPort: number;
  let closed = false;

  function config(tracing: TracingInput): GatewayConfigInput {
    return {
      settings: { tracing },
      services: [
        { name: "up", targets: [{ host: "127.0.0.1", port: up.port }] },
        { name: "flaky", targets: [{ host: "127.0.0.1", port: flaky.port }] },
        { name: "dead", targets: [{ host: "127.0.0.1", port: deadPort }] },
      ],
      routes: [
        { name: "flaky", path: { type: "prefix", value: "/flaky" }, rules: [{ destinations: [{ service: "flaky" }], retries: { attempts: 2, retryOn: ["5xx"], backoffMs: 1 } }] },
        { name: "dead", path: { type: "prefix", value: "/dead" }, rules: [{ destinations: [{ service: "dead" }] }] },
        { name: "up", path: { type: "prefix", value: "/" }, rules: [{ destinations: [{ service: "up" }] }] },
      ],
    };
  }
  const exportTo = (url: string): TracingInput => ({ otlp: { endpoint: url, serviceName: "edge-test", batchDelay: "20ms", headers: { "x-collector-key": "k1" } } });

  function spansOf(r: OtlpReceiver, traceId: string): ReceivedSpan[] {
    return r.spans.filter((s) => s.traceId === traceId);
  }
  async function waitForSpans(r: OtlpReceiver, traceId: string, count: number): Promise<ReceivedSpan[]> {
    await waitUntil(() => spansOf(r, traceId).length >= count, 5_000, `${count} spans of trace ${traceId}`);
    return spansOf(r, traceId);
  }

  beforeAll(async () => {
    [receiver, other, up, flaky, deadPort] = await Promise.all([startOtlpReceiver(), startOtlpReceiver(), startFaultServer("up"), startFaultServer("flaky"), closedPort()]);
    pushed = await startPushedGateway({ workers: 1, connections: 4 });
    await pushed.apply(config(exportTo(receiver.url)));
  });
  afterAll(async () => {
    if (!closed) await pushed?.close();
    await Promise.all([receiver?.close(), other?.close(), up?.close(), flaky?.close()]);
  });

  it("exports a SERVER span under the incoming parent and one CLIENT span per attempt", async () => {
    flaky.mode.failNext = 1;
    const res = await send(pushed.client, "/flaky/items?x=1", { headers: { traceparent: `00-${TRACE}-${PARENT}-01` } });
    expect(res.status).toBe(200);
    const spans = await waitForSpans(receiver, TRACE, 3);
    expect(spans).toHaveLength(3);
    const server = spans.find((s) => s.kind === SERVER)!;
    expect(server.parentSpanId).toBe(PARENT);
    expect(server.name).toBe("GET flaky");
    expect(server.attributes).toMatchObject({
      "http.request.method": "GET", "url.path": "/flaky/items", "http.route": "flaky", "http.response.status_code": 200,
      "switchyard.route": "flaky", "switchyard.service": "flaky", "switchyard.rule": 0,
    });
    expect(server.statusCode).not.toBe(ERROR);
    expect(server.resource).toMatchObject({ "service.name": "edge-test" });

    const attempts = spans.filter((s) => s.kind === CLIENT).sort((a, b) => Number(a.attributes["switchyard.attempt"]) - Number(b.attributes["switchyard.attempt"]));
    expect(attempts.map((a) => a.parentSpanId)).toEqual([server.spanId, server.spanId]);
    expect(attempts.map((a) => a.attributes["http.response.status_code"])).toEqual([503, 200]);
    expect(attempts.map((a) => a.statusCode === ERROR)).toEqual([true, false]);
    expect(attempts[1]!.attributes).toMatchObject({ "server.address": "127.0.0.1", "server.port": flaky.port, "http.request.resend_count": 1 });
    // The upstream saw each attempt's span as its parent.
    expect(flaky.received.slice(-2).map((h) => parentOf(h.traceparent))).toEqual(attempts.map((a) => a.spanId));
    expect(receiver.requests.at(-1)!["x-collector-key"]).toBe("k1");
  });

  it("roots a new trace at the gateway with the trace id the upstream received", async () => {
    await send(pushed.client, "/plain");
    const traceId = String(up.received.at(-1)!.traceparent).slice(3, 35);
    const spans = await waitForSpans(receiver, traceId, 2);
    const server = spans.find((s) => s.kind === SERVER)!;
    expect(server.parentSpanId).toBe("");
    expect(spans.find((s) => s.kind === CLIENT)!.spanId).toBe(parentOf(up.received.at(-1)!.traceparent));
  });

  it("marks a failed upstream as an error on both spans", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const res = await send(pushed.client, "/dead", { headers: { traceparent: `00-${traceId}-${PARENT}-01` } });
    expect(res.status).toBe(503);
    const spans = await waitForSpans(receiver, traceId, 2);
    const server = spans.find((s) => s.kind === SERVER)!;
    const client = spans.find((s) => s.kind === CLIENT)!;
    expect(server.statusCode).toBe(ERROR);
    expect(server.attributes).toMatchObject({ "http.response.status_code": 503, "switchyard.flag": "UF", "error.type": "UF" });
    expect(client.statusCode).toBe(ERROR);
    expect(client.attributes).toMatchObject({ "error.type": "UF", "server.port": deadPort });
    expect(client.attributes["http.response.status_code"]).toBeUndefined();
  });

  it("exports nothing for an unsampled caller, and a SERVER span alone for a request without upstream", async () => {
    const unsampled = "11111111111111111111111111111111";
    const noRoute = "22222222222222222222222222222222";
    await pushed.apply({ ...config(exportTo(receiver.url)), routes: [] });
    try {
      await send(pushed.client, "/x", { headers: { traceparent: `00-${unsampled}-${PARENT}-00` } });
      expect((await send(pushed.client, "/x", { headers: { traceparent: `00-${noRoute}-${PARENT}-01` } })).status).toBe(404);
      const [server] = await waitForSpans(receiver, noRoute, 1);
      expect(server!.attributes).toMatchObject({ "http.response.status_code": 404, "switchyard.flag": "NR" });
      expect(server!.statusCode).not.toBe(ERROR);
    } finally {
      await pushed.apply(config(exportTo(receiver.url)));
    }
    expect(spansOf(receiver, unsampled)).toEqual([]);
  });

  it("keeps serving while the collector fails, logs the outage once, and follows a changed endpoint", async () => {
    // The worker's log lines reach this thread's stderr.
    const logged: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    // 400: not retried by the exporter, so each batch fails at once.
    receiver.status = 400;
    try {
      const refusedBefore = receiver.requests.length;
      for (let i = 0; i < 3; i++) {
        expect((await send(pushed.client, "/while-down")).status).toBe(200);
        // One batch per request: every one of them fails.
        await waitUntil(() => receiver.requests.length > refusedBefore + i, 5_000, "a refused export");
      }
      await waitUntil(() => logged.some((l) => l.includes("span export to")), 5_000, "the failure log line");
      receiver.status = 200;
      await send(pushed.client, "/back");
      await waitUntil(() => logged.some((l) => l.includes("recovered")), 5_000, "the recovery log line");
    } finally {
      receiver.status = 200;
      process.stderr.write = write;
    }
    expect(logged.filter((l) => l.includes("failed (further failures are not logged"))).toHaveLength(1);
    expect(receiver.spans.filter((s) => s.attributes["url.path"] === "/while-down")).toEqual([]);
    await pushed.apply(config(exportTo(other.url)));
    const traceId = "33333333333333333333333333333333";
    await send(pushed.client, "/moved", { headers: { traceparent: `00-${traceId}-${PARENT}-01` } });
    expect(await waitForSpans(other, traceId, 2)).toHaveLength(2);
    expect(spansOf(receiver, traceId)).toEqual([]);
    await pushed.apply(config(exportTo(receiver.url)));
  });

  it("sends queued spans when the gateway drains", async () => {
    const traceId = "44444444444444444444444444444444";
    // A batch delay far beyond the test: only the drain's flush can deliver these spans.
    await pushed.apply(config({ otlp: { endpoint: receiver.url, batchDelay: "60s" } }));
    await send(pushed.client, "/last", { headers: { traceparent: `00-${traceId}-${PARENT}-01` } });
    await new Promise((r) => setTimeout(r, 100));
    expect(spansOf(receiver, traceId)).toEqual([]);
    closed = true;
    await pushed.close();
    const spans = spansOf(receiver, traceId);
    expect(spans).toHaveLength(2);
    expect(spans.find((s) => s.kind === SERVER)!.resource).toMatchObject({ "service.name": "switchyard-gateway" });
  });
});
