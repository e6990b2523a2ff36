import * as grpc from "@grpc/grpc-js";
import { connect as connectH2, type IncomingHttpHeaders } from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayConfigInput } from "@switchyard/config";
import { hashApiKey } from "@switchyard/config/credential-hashing";
import { makeTestCertificate, type TestCertificate } from "@switchyard/config/testing";
import { waitUntil } from "../testing/fixtures.ts";
import { startPushedGateway, type PushedGateway } from "../testing/pushed-gateway.ts";

// A real gRPC client and server (@grpc/grpc-js), with JSON messages instead of protobuf: the
// framing, HTTP/2, metadata, deadlines and status trailers are gRPC's own.
const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString()) as Record<string, unknown>,
};
const method = (name: string, requestStream: boolean, responseStream: boolean) => ({
  path: `/demo.Greeter/${name}`, requestStream, responseStream,
  requestSerialize: json.serialize, requestDeserialize: json.deserialize, responseSerialize: json.serialize, responseDeserialize: json.deserialize,
});
const greeter = {
  SayHello: method("SayHello", false, false),
  Count: method("Count", false, true),
  Sum: method("Sum", true, false),
  Fail: method("Fail", false, false),
  Slow: method("Slow", false, false),
  Flaky: method("Flaky", false, false),
} satisfies grpc.ServiceDefinition;

type Message = Record<string, unknown>;
type Client = grpc.Client & Record<keyof typeof greeter, (...args: unknown[]) => unknown>;
const GreeterClient = grpc.makeGenericClientConstructor(greeter, "Greeter") as unknown as new (address: string, credentials: grpc.ChannelCredentials, options?: object) => Client;

function unary(client: Client, name: keyof typeof greeter, request: Message, metadata = new grpc.Metadata(), options: grpc.CallOptions = {}): Promise<{ value?: Message; error?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    (client[name] as (r: Message, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v?: Message) => void) => void)(
      request, metadata, options, (error, value) => resolve(error ? { error } : { value }));
  });
}

describe("gRPC through the gateway (grpc-js client and server)", () => {
  let server: grpc.Server;
  let upstreamPort: number;
  let pushed: PushedGateway;
  let cert: TestCertificate;
  let plain: Client;
  /** Flaky calls seen, by the request's id: the first one of each fails with the status asked for. */
  const flakyCalls = new Map<string, number>();
  /** Slow calls found cancelled when they would have answered (the gateway gave up on them). */
  let slowCancelled = 0;

  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(greeter, {
      SayHello(call: grpc.ServerUnaryCall<Message, Message>, cb: grpc.sendUnaryData<Message>) {
        cb(null, { message: `hello ${String(call.request.name)}`, user: call.metadata.get("x-user")[0] ?? null, forwardedFor: call.metadata.get("x-forwarded-for")[0] ?? null });
      },
      Count(call: grpc.ServerWritableStream<Message, Message>) {
        for (let i = 1; i <= Number(call.request.to); i++) call.write({ n: i });
        call.end();
      },
      Sum(call: grpc.ServerReadableStream<Message, Message>, cb: grpc.sendUnaryData<Message>) {
        let total = 0;
        call.on("data", (m: Message) => { total += Number(m.n); });
        call.on("end", () => cb(null, { total }));
      },
      Fail(_call: grpc.ServerUnaryCall<Message, Message>, cb: grpc.sendUnaryData<Message>) {
        cb({ code: grpc.status.NOT_FOUND, details: "no such greeting" });
      },
      Flaky(call: grpc.ServerUnaryCall<Message, Message>, cb: grpc.sendUnaryData<Message>) {
        const id = String(call.request.id);
        const n = (flakyCalls.get(id) ?? 0) + 1;
        flakyCalls.set(id, n);
        if (n === 1) return cb({ code: Number(call.request.failWith), details: "try again" });
        cb(null, { id, calls: n, echoed: call.request.payload });
      },
      Slow(call: grpc.ServerUnaryCall<Message, Message>, cb: grpc.sendUnaryData<Message>) {
        setTimeout(() => {
          if (call.cancelled) slowCancelled++;
          cb(null, { late: true });
        }, 1_000);
      },
    });
    upstreamPort = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => err ? reject(err) : resolve(port)));
    cert = makeTestCertificate("api.example.com");
    pushed = await startPushedGateway({ workers: 1, connections: 1, httpsPort: 0 });
    const h2 = { connectionPool: { http: { h2UpgradePolicy: "UPGRADE" as const } } };
    const config: GatewayConfigInput = {
      certificates: [{ name: "api", hosts: ["api.example.com"], ...cert }],
      services: [
        { name: "greeter", targets: [{ host: "127.0.0.1", port: upstreamPort }], trafficPolicy: h2 },
        { name: "down", targets: [{ host: "127.0.0.1", port: 1 }], trafficPolicy: h2 },
      ],
      routes: [
        // Istio's default retryOn (connect-failure, refused-stream, unavailable, cancelled).
        { name: "greeter", path: { type: "prefix", value: "/demo.Greeter/" }, rules: [{ destinations: [{ service: "greeter" }], retries: { attempts: 2 } }] },
        // Another name for the same service, behind key-auth (the prefix rewritten to the real one).
        { name: "locked", path: { type: "prefix", value: "/locked.Greeter/" }, rules: [{ destinations: [{ service: "greeter" }], rewrite: { uri: "/demo.Greeter/" } }] },
        { name: "down", path: { type: "prefix", value: "/down.Greeter/" }, rules: [{ destinations: [{ service: "down" }] }] },
        // The same service behind an injected fault: every call aborted with RESOURCE_EXHAUSTED.
        { name: "faulty", path: { type: "prefix", value: "/faulty.Greeter/" }, rules: [{ destinations: [{ service: "greeter" }], rewrite: { uri: "/demo.Greeter/" }, fault: { abort: { grpcStatus: "RESOURCE_EXHAUSTED" } } }] },
        // The same service, the call's grpc-timeout kept from it (so only the gateway keeps the
        // deadline), with no route timeout and with one of 150 ms.
        { name: "deadline", path: { type: "prefix", value: "/deadline.Greeter/" }, rules: [{ destinations: [{ service: "greeter" }], rewrite: { uri: "/demo.Greeter/" }, headers: { request: { remove: ["grpc-timeout"] } } }] },
        { name: "hurried", path: { type: "prefix", value: "/hurried.Greeter/" }, rules: [{ destinations: [{ service: "greeter" }], rewrite: { uri: "/demo.Greeter/" }, headers: { request: { remove: ["grpc-timeout"] } }, timeoutMs: 150 }] },
      ],
      consumers: [{ username: "alice", credentials: { key_auth: [{ key_hash: hashApiKey("alice-key-1234567890") }] } }],
      policies: [{ type: "key-auth", name: "keys", scope: { kind: "route", name: "locked" }, config: {} }],
    };
    await pushed.apply(config);
    plain = new GreeterClient(`127.0.0.1:${pushed.gw.proxyPort}`, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    plain?.close();
    await pushed?.close();
    server?.forceShutdown();
  });

  it("unary call over h2c: the answer, the caller's metadata passed on, X-Forwarded-For added", async () => {
    const metadata = new grpc.Metadata();
    metadata.set("x-user", "7");
    const { value, error } = await unary(plain, "SayHello", { name: "ada" }, metadata);
    expect(error).toBeUndefined();
    expect(value).toEqual({ message: "hello ada", user: "7", forwardedFor: "127.0.0.1" });
  });

  it("server streaming, client streaming, and an upstream status with its details", async () => {
    const counted: number[] = await new Promise((resolve, reject) => {
      const seen: number[] = [];
      const call = (plain.Count as (r: Message) => grpc.ClientReadableStream<Message>)({ to: 5 });
      call.on("data", (m: Message) => seen.push(Number(m.n)));
      call.on("error", reject);
      call.on("end", () => resolve(seen));
    });
    expect(counted).toEqual([1, 2, 3, 4, 5]);
    const total = await new Promise<Message>((resolve, reject) => {
      const call = (plain.Sum as (cb: (e: grpc.ServiceError | null, v?: Message) => void) => grpc.ClientWritableStream<Message>)(
        (err, value) => err ? reject(err) : resolve(value!));
      for (const n of [10, 20, 12]) call.write({ n });
      call.end();
    });
    expect(total).toEqual({ total: 42 });
    const { error } = await unary(plain, "Fail", {});
    expect([error?.code, error?.details]).toEqual([grpc.status.NOT_FOUND, "no such greeting"]);
  });

  it("the gateway's own refusals are gRPC statuses with its reason and flag: no route, no credentials, upstream down", async () => {
    const Other = grpc.makeGenericClientConstructor({ Ping: { ...greeter.SayHello, path: "/nowhere.Service/Ping" } }, "Other") as unknown as new (a: string, c: grpc.ChannelCredentials) => Client;
    const other = new Other(`127.0.0.1:${pushed.gw.proxyPort}`, grpc.credentials.createInsecure());
    const Locked = grpc.makeGenericClientConstructor({ SayHello: { ...greeter.SayHello, path: "/locked.Greeter/SayHello" } }, "Locked") as unknown as new (a: string, c: grpc.ChannelCredentials) => Client;
    const locked = new Locked(`127.0.0.1:${pushed.gw.proxyPort}`, grpc.credentials.createInsecure());
    const Down = grpc.makeGenericClientConstructor({ SayHello: { ...greeter.SayHello, path: "/down.Greeter/SayHello" } }, "Down") as unknown as new (a: string, c: grpc.ChannelCredentials) => Client;
    const down = new Down(`127.0.0.1:${pushed.gw.proxyPort}`, grpc.credentials.createInsecure());
    try {
      const nr = await unary(other, "Ping" as keyof typeof greeter, {});
      expect([nr.error?.code, nr.error?.details]).toEqual([grpc.status.UNIMPLEMENTED, "No route matches this request"]);
      expect(nr.error?.metadata.get("x-switchyard-flag")).toEqual(["NR"]);
      const denied = await unary(locked, "SayHello", {});
      expect(denied.error?.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(denied.error?.metadata.get("x-switchyard-flag")).toEqual(["UAEX"]);
      const key = new grpc.Metadata();
      key.set("apikey", "alice-key-1234567890");
      const allowed = await unary(locked, "SayHello", { name: "alice" }, key);
      expect(allowed.value).toMatchObject({ message: "hello alice" });
      const uf = await unary(down, "SayHello", {});
      expect([uf.error?.code, uf.error?.details]).toEqual([grpc.status.UNAVAILABLE, "Could not connect to the upstream service"]);
      expect(uf.error?.metadata.get("x-switchyard-flag")).toEqual(["UF"]);
    } finally {
      other.close();
      locked.close();
      down.close();
    }
  });

  it("retries a call that failed with UNAVAILABLE or CANCELLED (Istio's default retryOn), its streamed body sent again; never one that failed otherwise", async () => {
    const payload = "x".repeat(20_000); // a body of several HTTP/2 DATA frames, kept whole for the retry
    const retried = await unary(plain, "Flaky", { id: "a", failWith: grpc.status.UNAVAILABLE, payload });
    expect(retried.value).toEqual({ id: "a", calls: 2, echoed: payload });
    expect((await unary(plain, "Flaky", { id: "b", failWith: grpc.status.CANCELLED })).value).toMatchObject({ calls: 2 });
    const notRetried = await unary(plain, "Flaky", { id: "c", failWith: grpc.status.INVALID_ARGUMENT });
    expect([notRetried.error?.code, notRetried.error?.details]).toEqual([grpc.status.INVALID_ARGUMENT, "try again"]);
    expect(flakyCalls.get("c")).toBe(1);
    // Over 64 KB the body is not kept: the failure reaches the client.
    const big = await unary(plain, "Flaky", { id: "d", failWith: grpc.status.UNAVAILABLE, payload: "y".repeat(100_000) });
    expect([big.error?.code, flakyCalls.get("d")]).toEqual([grpc.status.UNAVAILABLE, 1]);
  });

  it("gRPC-Web over HTTP/1.1, binary and text: translated to gRPC for the upstream and back, trailers as the last frame", async () => {
    const frame = (flag: number, data: Buffer) => {
      const f = Buffer.alloc(5 + data.length);
      f[0] = flag;
      f.writeUInt32BE(data.length, 1);
      data.copy(f, 5);
      return f;
    };
    const frames = (body: Buffer) => {
      const out: { flag: number; text: string }[] = [];
      for (let i = 0; i < body.length;) {
        const length = body.readUInt32BE(i + 1);
        out.push({ flag: body[i]!, text: body.subarray(i + 5, i + 5 + length).toString() });
        i += 5 + length;
      }
      return out;
    };
    const call = async (path: string, message: unknown, text: boolean) => {
      const body = frame(0, Buffer.from(JSON.stringify(message)));
      const res = await pushed.client.request({
        path, method: "POST",
        headers: { "content-type": text ? "application/grpc-web-text" : "application/grpc-web+proto", "x-grpc-web": "1", accept: "application/grpc-web" },
        body: text ? body.toString("base64") : body,
      });
      const raw = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: res.headers, frames: frames(text ? Buffer.from(raw.toString(), "base64") : raw) };
    };
    for (const text of [false, true]) {
      const ok = await call("/demo.Greeter/SayHello", { name: text ? "text" : "binary" }, text);
      expect(ok.status).toBe(200);
      expect(ok.headers["content-type"]).toBe(text ? "application/grpc-web-text+proto" : "application/grpc-web+proto");
      expect(ok.frames[0]).toEqual({ flag: 0, text: JSON.stringify({ message: `hello ${text ? "text" : "binary"}`, user: null, forwardedFor: "127.0.0.1" }) });
      expect(ok.frames[1]!.flag).toBe(0x80);
      expect(ok.frames[1]!.text).toMatch(/^grpc-status:0\r\n/);
      expect(ok.frames).toHaveLength(2);
    }
    // An upstream's Trailers-Only error and the gateway's own refusal: the status in the head.
    const failed = await call("/demo.Greeter/Fail", {}, false);
    // grpc-message is percent-encoded (grpc-js encodes spaces too).
    expect([failed.status, failed.headers["grpc-status"], decodeURIComponent(String(failed.headers["grpc-message"])), failed.headers["content-type"]])
      .toEqual([200, "5", "no such greeting", "application/grpc-web+proto"]);
    const noRoute = await call("/nowhere.Service/Ping", {}, true);
    expect([noRoute.headers["grpc-status"], noRoute.headers["x-switchyard-flag"], noRoute.headers["content-type"]]).toEqual(["12", "NR", "application/grpc-web-text+proto"]);
  });

  it("a client deadline ends the call (the gateway passes grpc-timeout and gives up with the client)", async () => {
    const started = performance.now();
    const { error } = await unary(plain, "Slow", {}, new grpc.Metadata(), { deadline: Date.now() + 200 });
    expect(error?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(performance.now() - started).toBeLessThan(900);
  });

  it("the call's grpc-timeout is its deadline at the gateway too: DEADLINE_EXCEEDED (UMSDR) when it is the sooner, the route's timeout (UT) when that is", async () => {
    // A client that sends grpc-timeout but keeps no timer of its own: what answers is the gateway.
    const session = connectH2(`http://127.0.0.1:${pushed.gw.proxyPort}`);
    const call = (path: string, timeout: string) => new Promise<{ status: string; flag: string; ms: number }>((resolve, reject) => {
      const started = performance.now();
      const message = Buffer.from("{}");
      const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
      const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", "grpc-timeout": timeout });
      let head: IncomingHttpHeaders = {};
      stream.on("response", (h) => { head = h; });
      stream.on("trailers", (t) => { head = { ...head, ...t }; });
      stream.resume();
      stream.on("end", () => resolve({ status: String(head["grpc-status"]), flag: String(head["x-switchyard-flag"]), ms: performance.now() - started }));
      stream.on("error", reject);
      stream.end(frame);
    });
    try {
      const before = slowCancelled;
      const own = await call("/deadline.Greeter/Slow", "200m");
      expect([own.status, own.flag]).toEqual([String(grpc.status.DEADLINE_EXCEEDED), "UMSDR"]);
      expect(own.ms).toBeGreaterThanOrEqual(190);
      expect(own.ms).toBeLessThan(700);
      await waitUntil(() => slowCancelled === before + 1, 2_000); // the gateway cancelled the upstream call
      const route = await call("/hurried.Greeter/Slow", "5S");
      expect([route.status, route.flag]).toEqual([String(grpc.status.UNAVAILABLE), "UT"]);
      expect(route.ms).toBeLessThan(700);
      const sooner = await call("/hurried.Greeter/Slow", "50m");
      expect([sooner.status, sooner.flag]).toEqual([String(grpc.status.DEADLINE_EXCEEDED), "UMSDR"]);
    } finally {
      session.destroy();
    }
  });

  it("an injected abort with a gRPC status reaches a gRPC client as that status, flag FI", async () => {
    const Faulty = grpc.makeGenericClientConstructor({ SayHello: { ...greeter.SayHello, path: "/faulty.Greeter/SayHello" } }, "Faulty") as unknown as new (a: string, c: grpc.ChannelCredentials) => Client;
    const faulty = new Faulty(`127.0.0.1:${pushed.gw.proxyPort}`, grpc.credentials.createInsecure());
    try {
      const { error } = await unary(faulty, "SayHello", { name: "x" });
      expect([error?.code, error?.details]).toEqual([grpc.status.RESOURCE_EXHAUSTED, "Fault injected: the request was aborted"]);
      expect(error?.metadata.get("x-switchyard-flag")).toEqual(["FI"]);
    } finally {
      faulty.close();
    }
  });

  it("over TLS to the HTTPS listener (ALPN h2)", async () => {
    const secure = new GreeterClient(`127.0.0.1:${pushed.gw.httpsPort}`, grpc.credentials.createSsl(Buffer.from(cert.cert)), { "grpc.ssl_target_name_override": "api.example.com" });
    try {
      expect((await unary(secure, "SayHello", { name: "tls" })).value).toMatchObject({ message: "hello tls" });
    } finally {
      secure.close();
    }
  });
});
