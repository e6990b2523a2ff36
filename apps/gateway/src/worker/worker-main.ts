import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { SecureContext } from "node:tls";
import { parentPort, workerData } from "node:worker_threads";
import type { FromWorker, ToWorker, WorkerInit, WorkerStats } from "../messages.ts";
import type { Snapshot } from "@switchyard/config";
import { PoolRegistry } from "../upstream/pool-registry.ts";
import { UpstreamMemory } from "../upstream/upstream-memory.ts";
import { createProxyHandler, useLeanUpstreamClient, type ProxyState } from "./proxy-handler.ts";
import { createUpgradeHandler } from "./upgrade-handler.ts";
import { createAccessLog } from "./access-log.ts";
import { RequestStats } from "./request-stats.ts";
import { OutlierReporter } from "./outlier-report.ts";
import { buildRuntimeTable, prepareRuntimeTable, type RuntimeTable } from "./runtime-table.ts";
import { internStrings } from "./intern-strings.ts";
import { refreshBuiltinPrototypes } from "../fast-prototypes.ts";
import { consoleLogger } from "../log.ts";
import { describeCompileError } from "../supervisor/validate-snapshot.ts";
import { createPolicyRuntime } from "../policies/policy-runtime.ts";
import { TracingRuntime } from "../tracing/tracing-runtime.ts";
import { MIN_TLS_VERSION, pickTlsContext, type TlsContexts } from "./tls-contexts.ts";
import { LeanListener } from "../server/lean-listener.ts";
import { H2Listener, HTTPS_ALPN } from "../server/h2-listener.ts";

/**
 * A proxy worker thread: its own HTTP server on the shared proxy port (SO_REUSEPORT, so the
 * kernel spreads connections over workers) and, with an HTTPS port, its own HTTPS server on
 * that one; its own compiled table and upstream pools.
 */
// Every import above has run (ESM): undo what loading them did to the built-in prototypes.
refreshBuiltinPrototypes();
const init = workerData as WorkerInit;
/** Longest a drain waits for queued spans to reach the collector. */
const TRACING_FLUSH_MS = 1_500;
const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);

const pools = new PoolRegistry(init.upstream ? new UpstreamMemory(init.upstream, init.index) : null, init.index);
pools.useSlots(init.slots);
useLeanUpstreamClient(pools);
for (const origin of init.unhealthy ?? []) pools.hosts.setHealthy(origin, false);
const stats = new RequestStats();
const policyRuntime = createPolicyRuntime(init.policies ?? null, consoleLogger());
const tracing = new TracingRuntime(consoleLogger());
const withTls = init.httpsPort !== null && init.httpsPort !== undefined;
const state: ProxyState = {
  current: buildRuntimeTable(internStrings(init.snapshot), pools, stats, policyRuntime, { tls: withTls, tracing }),
  inflight: 0,
  accessLog: createAccessLog(init.accessLog),
};

const SERVER_LIMITS = { maxHeaderSize: 16 * 1024, headersTimeout: 60_000, requestTimeout: 300_000, keepAliveTimeout: 5_000 };
/** HTTP/2 client connections: closed after this long without an open stream; streams at once per connection. */
const H2_IDLE_TIMEOUT_MS = 60_000;
const H2_MAX_CONCURRENT_STREAMS = 100;

// A client sending garbage gets a 400 (a head over the limit a 431, as Node answers); nothing to
// log per connection.
function onClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

function listen(s: Server | HttpsServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    s.once("error", reject);
    s.listen({ port, host: init.host, reusePort: true }, () => resolve((s.address() as AddressInfo).port));
  });
}

/**
 * Certificates come from the running table, so a config version with new certificates is
 * served from the next handshake on, without a restart. Clients without SNI get the
 * server's own context, which follows the default (first) certificate.
 */
function sniCallback(servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void {
  const tls = state.current.tls;
  const context = tls === null ? null : pickTlsContext(tls, servername);
  if (context === null) cb(new Error(`no certificate for "${servername}"`));
  else cb(null, context);
}

let appliedDefault: TlsContexts["fallbackPem"] = null;
function applyDefaultCertificate(): void {
  const pem = state.current.tls?.fallbackPem ?? null;
  if (secureServer === null || pem === null) return;
  if (appliedDefault !== null && appliedDefault.cert === pem.cert && appliedDefault.key === pem.key) return;
  secureServer.setSecureContext({ cert: pem.cert, key: pem.key, minVersion: MIN_TLS_VERSION });
  appliedDefault = pem;
}

const plainListener = { secure: false, httpsPort: init.httpsPort ?? null };
const plainHandler = createProxyHandler(state, plainListener);
const server = createServer(SERVER_LIMITS, plainHandler);
server.on("upgrade", createUpgradeHandler(state, plainListener));
server.on("clientError", onClientError);
// Both listeners put the lean HTTP/1.1 path first (server/lean-listener.ts); what it doesn't
// take goes on to node:http(s) on the same connection.
const leanListeners: LeanListener[] = [];
const H2_OPTIONS = {
  maxHeaderSize: SERVER_LIMITS.maxHeaderSize, requestTimeoutMs: SERVER_LIMITS.requestTimeout,
  idleTimeoutMs: H2_IDLE_TIMEOUT_MS, maxConcurrentStreams: H2_MAX_CONCURRENT_STREAMS,
};
// HTTP/2 from clients: h2c with prior knowledge on the plain port (found by the lean reader), h2
// by ALPN on the HTTPS port.
const h2Listeners: H2Listener[] = [];
if (init.httpServer !== "node") {
  const lean = new LeanListener(server, plainHandler, SERVER_LIMITS);
  lean.h2c = new H2Listener(plainHandler, H2_OPTIONS);
  h2Listeners.push(lean.h2c);
  leanListeners.push(lean);
}

const secureServer: HttpsServer | null = withTls
  ? createHttpsServer({ ...SERVER_LIMITS, minVersion: MIN_TLS_VERSION, SNICallback: sniCallback, ALPNProtocols: HTTPS_ALPN })
  : null;
if (secureServer !== null) {
  const secureListener = { secure: true, httpsPort: init.httpsPort ?? null };
  const secureHandler = createProxyHandler(state, secureListener);
  secureServer.on("request", secureHandler);
  if (init.httpServer !== "node") leanListeners.push(new LeanListener(secureServer, secureHandler, SERVER_LIMITS));
  // After the lean listener: connections that chose h2 in ALPN go to HTTP/2, the rest to it.
  const h2 = new H2Listener(secureHandler, H2_OPTIONS);
  h2.serveTls(secureServer);
  h2Listeners.push(h2);
  secureServer.on("upgrade", createUpgradeHandler(state, secureListener));
  secureServer.on("clientError", onClientError);
  applyDefaultCertificate();
}

async function start(): Promise<void> {
  const port = await listen(server, init.port);
  let httpsPort: number | null = null;
  if (secureServer !== null) {
    // With port 0 the first worker picks; the supervisor hands the real port to the next ones.
    httpsPort = await listen(secureServer, init.httpsPort!);
    // Redirect Locations name the port actually bound.
    plainListener.httpsPort = httpsPort;
  }
  post({ type: "listening", port, httpsPort });
}
start().catch((err: Error) => post({ type: "listen-failed", error: err.message }));

const outlier = new OutlierReporter();

/** Counts since the previous report; null when there is nothing new (a flush, with an id, is always answered). */
function takeStats(id: number | null): WorkerStats | null {
  const message: WorkerStats = { type: "stats", id, rows: stats.takeDeltas() };
  const events = stats.events.takeDeltas();
  if (events.length > 0) message.events = events;
  const changed = outlier.changed(state.current, Date.now());
  if (changed !== undefined) message.outlier = changed;
  if (id === null && message.rows.length === 0 && events.length === 0 && changed === undefined) return null;
  return message;
}

const statsTimer = setInterval(() => {
  const message = takeStats(null);
  if (message !== null) post(message);
}, init.statsIntervalMs);

/** A compiled config waiting for the supervisor's commit (every worker compiled it). */
let prepared: { seq: number; table: RuntimeTable; commit(): void } | null = null;

port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "prepare": {
      try {
        pools.useSlots(message.slots);
        const snapshot = internStrings(JSON.parse(message.snapshotJson) as Snapshot | null);
        prepared = { seq: message.seq, ...prepareRuntimeTable(snapshot, pools, stats, policyRuntime, { tls: withTls, previous: state.current, tracing }) };
        post({ type: "prepared", seq: message.seq });
      } catch (e) {
        prepared = null;
        post({ type: "apply-failed", seq: message.seq, error: describeCompileError(e) });
      }
      return;
    }
    case "commit": {
      if (prepared?.seq !== message.seq) return;
      // Swapped between requests: in-flight requests keep the table they started with.
      state.current = prepared.table;
      prepared.commit();
      prepared = null;
      applyDefaultCertificate();
      post({ type: "applied", seq: message.seq, version: state.current.version, hash: state.current.hash });
      return;
    }
    case "discard":
      if (prepared?.seq === message.seq) prepared = null;
      return;
    case "config": {
      try {
        pools.useSlots(message.slots);
        // Swapped between requests: in-flight requests keep the table they started with.
        state.current = buildRuntimeTable(internStrings(message.snapshot), pools, stats, policyRuntime, { tls: withTls, previous: state.current, tracing });
        applyDefaultCertificate();
        post({ type: "applied", seq: message.seq, version: message.snapshot.version, hash: message.snapshot.hash });
      } catch (e) {
        post({ type: "apply-failed", seq: message.seq, error: describeCompileError(e) });
      }
      return;
    }
    case "flush":
      post(takeStats(message.id)!);
      return;
    case "drain":
      void drain(message.timeoutMs);
      return;
    case "health":
      pools.hosts.setHealthy(message.origin, message.healthy);
      return;
  }
});

async function drain(timeoutMs: number): Promise<void> {
  clearInterval(statsTimer);
  server.close();
  server.closeIdleConnections();
  for (const lean of leanListeners) lean.closeIdle();
  secureServer?.close();
  secureServer?.closeIdleConnections();
  for (const h2 of h2Listeners) h2.closeIdle();
  const deadline = Date.now() + timeoutMs;
  while (state.inflight > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    // Keep-alive connections that just finished a request are idle now.
    server.closeIdleConnections();
    for (const lean of leanListeners) lean.closeIdle();
    secureServer?.closeIdleConnections();
  }
  server.closeAllConnections();
  for (const lean of leanListeners) lean.closeAll();
  secureServer?.closeAllConnections();
  for (const h2 of h2Listeners) h2.closeAll();
  await pools.closeAll();
  await policyRuntime.close();
  // Spans of the requests just drained go out before the worker ends; a slow collector gets a
  // bounded wait (the supervisor ends the worker 2 s after the drain timeout in any case).
  await Promise.race([tracing.shutdown(), new Promise((r) => setTimeout(r, TRACING_FLUSH_MS).unref())]);
  state.accessLog?.flush();
  const last = takeStats(null);
  if (last !== null) post(last);
  post({ type: "drained" });
  port.close();
}
