import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { IncomingHttpHeaders as IncomingHttpHeaders2 } from "node:http2";
import { Writable, type Readable } from "node:stream";
import type { Dispatcher } from "undici";
import {
  canonicalizePath, matchRoute, pickDestination, upstreamPath,
  type CompiledDestination, type CompiledFault, type CompiledRetryPolicy, type RouteMatch,
} from "@switchyard/routing";
import { classifyUpstreamError, errorBody, flagIndex, GatewayErrors, type GatewayError } from "../errors.ts";
import type { HostState } from "../upstream/host-state.ts";
import { LOCAL_FAILURE, recordOutcome } from "../upstream/outlier-detector.ts";
import {
  backoffMs, budgetAllows, Failure, failureRetriable, grpcStatusRetriable, MAX_REPLAY_BODY_BYTES, methodRetriable, statusRetriable,
} from "../upstream/retry-decision.ts";
import type { AccessLog } from "./access-log.ts";
import {
  clientResponseHeaders, connectionNamesHeaders, DROP_RESPONSE, h2ResponseHeaders, responseHeadersFromFlat, upstreamRequestHeaders,
} from "./forward-headers.ts";
import { requestHead } from "./request-head.ts";
import { H1Error, type H1Callbacks, type H1Connection, type H1PoolLike, type H1Sink } from "../upstream/h1-connection.ts";
import type { PoolRegistry } from "../upstream/pool-registry.ts";
import { H2_REFUSED_STREAM, toH2Headers, type H2Attempt, type H2Callbacks } from "../upstream/h2-pool.ts";
import { UNDICI_SERVERNAME } from "../upstream/tls-connector.ts";
import { isGrpcRequest, sendGrpcLocalReply } from "../grpc-local-reply.ts";
import { grpcTimeoutMs } from "../grpc-timeout.ts";
import { applyHeaderOps, sendDirectResponse, sendRedirect } from "./rule-actions.ts";
import { sendMirror } from "./mirror.ts";
import { clientAddress, plainIp } from "@switchyard/config/client-address";
import { BodyCopy, streamedBody } from "./streamed-body.ts";
import {
  clientGrpcWebContentType, decodeGrpcWebText, GRPC_WEB_NONE, GRPC_WEB_TEXT, grpcWebMode, grpcWebResponseBody, grpcWebTextDecoder, upstreamGrpcContentType,
} from "../grpc-web.ts";
import { requestHash, stickyFraction } from "./request-hash.ts";
import { recordRequest } from "./record-request.ts";
import type { StatSlot } from "./request-stats.ts";
import { routeSlot, type DestinationRuntime, type RuntimeTable } from "./runtime-table.ts";
import { PolicyRequest } from "../policies/policy-request.ts";
import { applyResponsePolicies, applyUpstreamPolicies, runAccess } from "../policies/run-access.ts";
import { cacheSink } from "../policies/cache/cache-sink.ts";
import { newSpanId, setTraceHeaders, startTrace, validSpanId, type RequestTrace } from "./trace-context.ts";
import type { AttemptSpan, ServerSpan } from "../tracing/span-sink.ts";
import { globalHttpsRedirect, PLAIN_LISTENER, routeHttpsRedirect, sendHttpsRedirect, type ListenerInfo } from "./https-redirect.ts";
import { monoClock, wallClock } from "../event-clock.ts";

/** Header on every response the gateway makes itself, carrying the response flag. */
export const FLAG_HEADER = "x-switchyard-flag";

/** Without a route timeout, the longest the gateway waits for upstream response headers. */
const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
/** Longest pause between two body chunks, either way. */
const BODY_IDLE_TIMEOUT_MS = 300_000;

const FLAG_NONE = flagIndex("");
const FLAG_DC = flagIndex("DC");
const FLAG_URX = flagIndex("URX");

const PERMIT_NONE = 0;
const PERMIT_QUEUED = 1;
const PERMIT_ACTIVE = 2;

/**
 * One client request on its way upstream, over one or more tries. Handed to undici as
 * `opaque`, so the callbacks below are shared, not created per request.
 */
interface Exchange {
  /** The HTTP/2 try in progress (HTTP/2 destinations). */
  h2: H2Attempt | null;
  h1Conn: H1Connection | null;
  h1Pool: H1PoolLike | null;
  h1Head: string;
  h1Body: Buffer | null;
  h1NoBody: boolean;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly accessLog: AccessLog | null;
  readonly start: number;
  rule: number;
  target: string;
  upstreamMs: number;
  requestId: string;
  /** Headers sent upstream, built once; a retry only changes `host`. */
  upstreamHeaders: Record<string, string | string[]> | null;
  slot: StatSlot;
  runtime: DestinationRuntime;
  dest: CompiledDestination;
  readonly method: string;
  path: string;
  /** Client address after the trusted-proxy rules (the peer unless a trusted proxy forwarded). */
  readonly clientIp: string;
  /** Address of the connection's peer, the hop added to X-Forwarded-For. */
  readonly peerIp: string;
  /** The peer is a trusted proxy: its forwarding headers are passed on. */
  readonly peerTrusted: boolean;
  /** Came in over the HTTPS listener (X-Forwarded-Proto https). */
  readonly secure: boolean;
  /** Set when the request body went over the route's limit. */
  bodyTooLarge: boolean;
  /** Consumer name once the access phase identified one ("" before or without one). */
  consumer: string;
  /** Stats id of `consumer` (0 without one). */
  consumerId: number;
  readonly match: RouteMatch;
  /** Edge-policy state (identity, hidden credentials, response headers); null on routes without policies. */
  policy: PolicyRequest | null;
  readonly table: RuntimeTable;
  /** The worker's proxy state (the handler's), for going on after the access phase. */
  readonly proxy: ProxyState;
  /** The worker's proxy state, once the request counts as in flight. */
  state: ProxyState | null;
  /** Key hash for consistent hashing (0 when the balancer doesn't hash). */
  hash: number;
  /** Request body: null (none), a buffer (replayable) or a stream (one try only, unless bodyCopy). */
  body: Buffer | Readable | null;
  /** A gRPC call's streamed body, kept for a retry (null: not kept). */
  bodyCopy: BodyCopy | null;
  /** gRPC-Web to an HTTP/2 destination: translated both ways (GRPC_WEB_*); 0: not. */
  grpcWeb: number;
  /** The upstream's trailers of a gRPC-Web call, for the body's last frame. */
  grpcWebTrailers: Record<string, string | string[] | undefined> | null;
  /** Retry policy when this request may be tried again at all. */
  retry: CompiledRetryPolicy | null;
  retries: number;
  /** Whether the try in progress is a retry counted against the budget. */
  retrying: boolean;
  /** Epoch ms the route timeout ends; Infinity without one. */
  deadline: number;
  targetIndex: number;
  host: HostState | null;
  /** What the try holds of `host`: nothing, a place in its queue, or a connection permit. */
  permit: number;
  controller: AbortController | null;
  tryTimer: NodeJS.Timeout | null;
  routeTimer: NodeJS.Timeout | null;
  backoffTimer: NodeJS.Timeout | null;
  tryTimedOut: boolean;
  routeTimedOut: boolean;
  /** The route timer is the call's grpc-timeout, sooner than the route's timeout. */
  deadlineFromCall: boolean;
  /** The rule's fault injection was rolled for this request (a delayed one goes on without another roll). */
  faultApplied: boolean;
  /** The current try's response is being thrown away because another try follows. */
  discarding: boolean;
  /** Response headers went to the client. */
  relayed: boolean;
  sentAt: number;
  done: boolean;
  /** W3C trace context of the request; each attempt sends its own span id as the upstream's parent. */
  readonly trace: RequestTrace;
  /** Exported CLIENT span of the attempt in flight (null when not exported). */
  attemptSpan: AttemptSpan | null;
  /** Status of the attempt in flight's response head, 0 before one came. */
  attemptStatus: number;
}

export interface ProxyState {
  /** Read once per request: a request keeps the table it started with. */
  current: RuntimeTable;
  inflight: number;
  /** Sampled access log of this worker; null or absent: off. */
  accessLog?: AccessLog | null;
}

function contentLength(headers: Record<string, string | string[] | undefined>): number {
  const cl = headers["content-length"];
  return typeof cl === "string" ? Number(cl) || 0 : 0;
}

/** Answers a request the gateway decided itself (no route, overflow, …) and counts it. */
function reply(ctx: Parameters<typeof recordRequest>[0], res: ServerResponse, slot: StatSlot, error: GatewayError, message?: string): void {
  // Destroyed: the client went away (an HTTP/2 stream it reset, a closed connection).
  if (res.headersSent || res.destroyed) {
    recordRequest(ctx, slot, 0, FLAG_DC, 0);
    return;
  }
  if (isGrpcRequest(ctx.req.headers)) {
    recordRequest(ctx, slot, error.status, flagIndex(error.flag), 0);
    return sendGrpcLocalReply(res, error.status, message ?? error.message, { [FLAG_HEADER]: error.flag }, ctx.req.headers["content-type"], error.grpcStatus);
  }
  const body = errorBody(error, message);
  recordRequest(ctx, slot, error.status, flagIndex(error.flag), body.length);
  res.writeHead(error.status, {
    "content-type": "application/json",
    "content-length": body.length,
    [FLAG_HEADER]: error.flag,
  });
  res.end(body);
}

function hasBody(req: IncomingMessage): boolean {
  const te = req.headers["transfer-encoding"];
  if (te !== undefined) return true;
  const cl = req.headers["content-length"];
  return cl !== undefined && cl !== "0";
}

/** Ends the exchange (exactly once): releases the cluster's request slot and the timers. */
function finish(ex: Exchange): void {
  if (ex.done) return;
  ex.done = true;
  if (ex.routeTimer !== null) { clearTimeout(ex.routeTimer); ex.routeTimer = null; }
  if (ex.backoffTimer !== null) {
    clearTimeout(ex.backoffTimer);
    ex.backoffTimer = null;
    if (ex.retrying) { ex.retrying = false; ex.runtime.cluster.retryEnd(); }
  }
  ex.runtime.cluster.release();
}

/** How close to the deadline a try's own timeout counts as the deadline (timers and the coarse clock differ by a millisecond or so). */
const DEADLINE_SLACK_MS = 2;

function fail(ex: Exchange, error: GatewayError): void {
  finish(ex);
  // The timeout that ran out was the call's own deadline (grpc-timeout), not the route's: its
  // timer, or the try's, which the deadline capped and which may fire a moment before it.
  if (ex.deadlineFromCall && error.status === 504 && (ex.routeTimedOut || wallClock() >= ex.deadline - DEADLINE_SLACK_MS)) error = GatewayErrors.CALL_DEADLINE_EXCEEDED;
  reply(ex, ex.res, ex.slot, error);
}

/**
 * Starts one try: picks a target and takes one of its connection permits (process-wide
 * tcp.maxConnections), or a place in its queue (http1MaxPendingRequests), or answers 503 UO.
 */
function attempt(ex: Exchange): void {
  ex.backoffTimer = null;
  const runtime = ex.runtime;
  const first = ex.retries === 0;
  if (first && ex.match.rule.mirror !== null) maybeMirror(ex, ex.table);
  const index = runtime.balancer.pick(ex.hash, first ? -1 : ex.targetIndex);
  if (index < 0) return fail(ex, first ? GatewayErrors.NO_HEALTHY_UPSTREAM : GatewayErrors.RETRIES_EXHAUSTED);
  const host = runtime.balancer.hosts[index]!;
  const limits = ex.dest.pool;
  ex.attemptStatus = 0;
  ex.targetIndex = index;
  ex.host = host;
  ex.target = ex.dest.targets[index]!.authority;
  ex.tryTimedOut = false;
  ex.discarding = false;
  const perTry = ex.retry?.perTryTimeoutMs ?? null;
  const h2 = runtime.h2[index] ?? null;
  if (h2 !== null && ex.method !== "CONNECT") {
    // HTTP/2: the pool knows its sessions and streams and queues only when every session is at
    // its stream limit; the host permit just counts the request in flight (least-request).
    if (!h2.admit()) {
      ex.host = null;
      return fail(ex, GatewayErrors.UPSTREAM_OVERFLOW);
    }
    host.begin();
    ex.permit = PERMIT_ACTIVE;
  } else if (host.tryAcquire(limits.maxConnections)) {
    ex.permit = PERMIT_ACTIVE;
  } else if (host.enqueue(ex, limits.maxConnections, limits.maxPending, startQueued)) {
    ex.permit = PERMIT_QUEUED;
  } else {
    // Circuit breaking: answered at once, nothing sent upstream.
    ex.host = null;
    return fail(ex, GatewayErrors.UPSTREAM_OVERFLOW);
  }
  // The per-try timeout runs from here, so time spent waiting for a connection counts.
  if (perTry !== null && perTry < ex.deadline - wallClock()) ex.tryTimer = setTimeout(onTryTimeout, Math.max(1, perTry), ex);
  if (ex.permit === PERMIT_ACTIVE) send(ex);
}

/** A queued try got a connection permit. */
function startQueued(waiter: object): void {
  const ex = waiter as Exchange;
  ex.permit = PERMIT_ACTIVE;
  send(ex);
}

/** Sends the try upstream; it holds a connection permit of ex.host. */
function send(ex: Exchange): void {
  const runtime = ex.runtime;
  const index = ex.targetIndex;
  const target = ex.dest.targets[index]!;
  // Counted when actually sent, so the counter equals the extra requests the upstream saw.
  if (ex.retries > 0) runtime.retries.count++;
  let tryMs = DEFAULT_HEADERS_TIMEOUT_MS;
  const perTry = ex.retry?.perTryTimeoutMs ?? null;
  if (perTry !== null || ex.deadline !== Infinity) tryMs = Math.max(1, Math.min(perTry ?? Infinity, ex.deadline - wallClock()));
  ex.sentAt = monoClock();
  let headers = ex.upstreamHeaders;
  const rule = ex.match.rule;
  const authority = rule.rewrite?.authority ?? target.authority;
  if (headers === null) {
    headers = upstreamRequestHeaders(ex.req.headers, { remoteAddress: ex.peerIp, authority, trustedPeer: ex.peerTrusted, secure: ex.secure });
    if (rule.requestHeaders !== null) applyHeaderOps(headers, rule.requestHeaders);
    ex.upstreamHeaders = headers;
    if (ex.grpcWeb !== GRPC_WEB_NONE) {
      headers["content-type"] = upstreamGrpcContentType(ex.req.headers["content-type"]);
      // The text form's length is of its base64; HTTP/2 frames the decoded body by itself.
      if (ex.grpcWeb === GRPC_WEB_TEXT) delete headers["content-length"];
    }
    ex.requestId = headers["x-request-id"] as string;
    if (ex.policy !== null) applyUpstreamPolicies(ex.policy, headers);
  } else {
    headers.host = authority;
  }
  setTraceHeaders(headers, ex.trace, ex.trace.span === null ? newSpanId() : attemptSpanId(ex, target.host, target.port));
  const body = ex.body;
  const h2 = runtime.h2[index] ?? null;
  if (h2 !== null && ex.method !== "CONNECT") {
    const te = ex.req.headers.te;
    // gRPC-Web: gRPC needs te: trailers; the text form's body is base64.
    const teTrailers = ex.grpcWeb !== GRPC_WEB_NONE || (te !== undefined && te.includes("trailers"));
    const h2Body = ex.grpcWeb === GRPC_WEB_TEXT && body !== null ? (Buffer.isBuffer(body) ? decodeGrpcWebText(body) : body.pipe(grpcWebTextDecoder())) : body;
    ex.h2 = h2.dispatch(ex, toH2Headers(ex.method, ex.path, headers, teTrailers), h2Body, tryMs);
    return;
  }
  const h1 = runtime.h1[index] ?? null;
  if (h1 !== null && (body === null || Buffer.isBuffer(body)) && ex.method !== "CONNECT") {
    const head = requestHead(ex.method, ex.path, headers, body, ex.policy !== null || rule.requestHeaders !== null);
    if (head !== null) {
      ex.h1Head = head;
      ex.h1Body = body;
      ex.h1NoBody = ex.method === "HEAD";
      h1.dispatch(ex, tryMs);
      return;
    }
  }
  const controller = new AbortController();
  ex.controller = controller;
  // A variable, not a literal: undici's types leave out the servername option it reads.
  const options = {
    path: ex.path,
    method: ex.method as Dispatcher.HttpMethod,
    headers,
    body,
    signal: controller.signal,
    opaque: ex,
    headersTimeout: tryMs,
    bodyTimeout: BODY_IDLE_TIMEOUT_MS,
    servername: UNDICI_SERVERNAME,
  };
  runtime.pools[index]!.stream<Exchange>(options, onUpstreamHeaders, onUpstreamDone);
}

/** Starts the exported CLIENT span of this attempt; its id is the parent the upstream sees. */
function attemptSpanId(ex: Exchange, host: string, port: number): string {
  try {
    const span = ex.table.tracing.sink!.startAttempt(ex.trace.span!, ex.retries + 1, host, port);
    ex.attemptSpan = span;
    if (validSpanId(span.spanId)) return span.spanId;
  } catch {
    // Tracing never fails a request: the attempt goes out with an id of its own.
  }
  return newSpanId();
}

/** Stops the try in flight (timeouts, client gone), whichever client carries it. */
function abortTry(ex: Exchange): void {
  if (ex.permit === PERMIT_QUEUED) {
    // Still waiting for a connection: out of the queue, and the try ends here.
    ex.host!.dequeue(ex);
    ex.permit = PERMIT_NONE;
    upstreamDone(ex, ABORTED);
    return;
  }
  if (ex.h2 !== null) ex.h2.abort(ABORTED);
  else if (ex.h1Pool !== null) ex.h1Pool.abort(ex, ABORTED);
  else ex.controller?.abort();
}

const ABORTED = new H1Error("UND_ERR_ABORTED", "request aborted");

/** Whether another try may follow now (attempts, method, body, route deadline, retry budget). */
function mayRetry(ex: Exchange): boolean {
  const policy = ex.retry;
  if (policy === null || ex.retries >= policy.attempts || ex.res.destroyed) return false;
  if (ex.bodyCopy !== null && !ex.bodyCopy.usable) return false;
  if (Date.now() + policy.backoffMs >= ex.deadline) return false;
  return budgetAllows(ex.runtime.cluster, ex.dest.retryBudget);
}

function scheduleRetry(ex: Exchange): void {
  ex.retries++;
  if (ex.bodyCopy !== null) ex.body = ex.bodyCopy.whole();
  if (!ex.retrying) { ex.retrying = true; ex.runtime.cluster.retryBegin(); }
  const delay = backoffMs(ex.retry!.backoffMs, ex.retries);
  ex.backoffTimer = setTimeout(attempt, Math.min(delay, Math.max(0, ex.deadline - Date.now() - 1)), ex);
}

function discard(_chunk: unknown, _enc: BufferEncoding, cb: () => void): void { cb(); }

/**
 * A response head arrived: outlier accounting and the retry decision. -1 when the response is
 * thrown away because another try follows; otherwise the flag it is relayed with.
 */
function acceptHead(ex: Exchange, status: number, grpcStatus = -1): number {
  ex.attemptStatus = status;
  if (ex.tryTimer !== null) { clearTimeout(ex.tryTimer); ex.tryTimer = null; }
  const od = ex.dest.outlier;
  if (od !== null && recordOutcome(od, ex.host!, ex.runtime.balancer.hosts, ex.runtime.cluster, status, wallClock())) ex.runtime.ejections[ex.targetIndex]!.count++;
  let flag = FLAG_NONE;
  if (ex.retry !== null && (statusRetriable(ex.retry, status) || grpcStatusRetriable(ex.retry, grpcStatus))) {
    if (mayRetry(ex)) {
      ex.discarding = true;
      return -1;
    }
    if (ex.retries > 0 || ex.retry.attempts > 0) flag = FLAG_URX;
  }
  ex.relayed = true;
  ex.upstreamMs = monoClock() - ex.sentAt;
  return flag;
}

/** Relays a response head whose headers were already made the client's (hop-by-hop ones out); returns where the body goes. */
function relayHead(ex: Exchange, status: number, headers: OutgoingHttpHeaders, flag: number, length: number): Writable {
  let sink: Writable = ex.res;
  if (ex.policy !== null) {
    // A proxy-cache miss: the body goes through the cache (decided on the upstream's own headers).
    if (ex.policy.cache !== null) sink = cacheSink(ex.policy, status, headers);
    applyResponsePolicies(ex.policy, headers);
  }
  if (flag !== FLAG_NONE) headers[FLAG_HEADER] = "URX";
  const ops = ex.match.rule.responseHeaders;
  if (ops !== null) applyHeaderOps(headers, ops);
  recordRequest(ex, ex.slot, status, flag, length);
  ex.res.writeHead(status, headers);
  return sink;
}

function onUpstreamHeaders(data: Dispatcher.StreamFactoryData<Exchange>): Writable {
  const ex = data.opaque;
  const status = data.statusCode;
  const flag = acceptHead(ex, status);
  if (flag < 0) return new Writable({ write: discard });
  return relayHead(ex, status, clientResponseHeaders(data.headers), flag, contentLength(data.headers));
}

function onH1Headers(e: unknown, status: number, flat: string[], length: number, connection: string): H1Sink | null {
  const ex = e as Exchange;
  const flag = acceptHead(ex, status);
  if (flag < 0) return null;
  if (flag === FLAG_NONE && ex.match.rule.responseHeaders === null && !connectionNamesHeaders(connection)
    && (ex.policy === null || appendPolicyHeaders(ex.policy, flat))) {
    // Nothing to change (or only policy headers to add): the parsed list goes out as it came.
    recordRequest(ex, ex.slot, status, flag, length < 0 ? 0 : length);
    ex.res.writeHead(status, flat);
    return ex.res;
  }
  return relayHead(ex, status, responseHeadersFromFlat(flat, connection), flag, length < 0 ? 0 : length);
}

/**
 * Adds the access steps' response headers (rate-limit counters, CORS) to the flat list when
 * that is all the policies change: no cache fill, no response transformer, and no name the
 * upstream sent too (the object path lets the policy's value replace it). False: not done.
 */
function appendPolicyHeaders(pr: PolicyRequest, flat: string[]): boolean {
  if (pr.cache !== null || pr.pipeline.responseTransform !== null) return false;
  const pairs = pr.responseHeaders;
  if (pairs === null) return true;
  const n = flat.length;
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i]!;
    for (let j = 0; j < n; j += 2) if (flat[j] === name) return false;
  }
  for (let i = 0; i < pairs.length; i++) flat.push(pairs[i]!);
  return true;
}

function onH1Done(e: unknown, err: Error | null): void {
  upstreamDone(e as Exchange, err);
}

function onH2Headers(e: unknown, status: number, headers: IncomingHttpHeaders2): Writable | null {
  const ex = e as Exchange;
  // A Trailers-Only answer carries the call's gRPC status in its headers: retry conditions apply to it.
  const grpcStatus = headers["grpc-status"];
  const flag = acceptHead(ex, status, grpcStatus === undefined ? -1 : Number(grpcStatus));
  if (flag < 0) return null;
  if (ex.grpcWeb !== GRPC_WEB_NONE) return relayGrpcWeb(ex, status, headers, flag);
  return relayHead(ex, status, h2ResponseHeaders(headers), flag, contentLength(headers as Record<string, string | string[] | undefined>));
}

/** A gRPC-Web call's answer: its content-type, no length (the trailers become a last body frame), the body translated. */
function relayGrpcWeb(ex: Exchange, status: number, headers: IncomingHttpHeaders2, flag: number): Writable {
  const out = h2ResponseHeaders(headers);
  out["content-type"] = clientGrpcWebContentType(ex.grpcWeb, headers["content-type"]);
  delete out["content-length"];
  const sink = relayHead(ex, status, out, flag, 0);
  const body = grpcWebResponseBody(ex.grpcWeb, () => ex.grpcWebTrailers);
  body.pipe(sink);
  return body;
}

/** Upstream trailers (gRPC status) go on to the client when its response is chunked. */
function onH2Trailers(e: unknown, trailers: IncomingHttpHeaders2): void {
  const ex = e as Exchange;
  if (!ex.relayed || ex.res.destroyed) return;
  if (ex.grpcWeb !== GRPC_WEB_NONE) {
    // Written by the body's end, after every data frame still on its way.
    ex.grpcWebTrailers = h2ResponseHeaders(trailers) as Record<string, string | string[]>;
    return;
  }
  try {
    ex.res.addTrailers(h2ResponseHeaders(trailers) as Record<string, string>);
  } catch {
    // A trailer Node refuses is dropped; the body still goes through.
  }
}

function onH2Done(e: unknown, err: Error | null): void {
  const ex = e as Exchange;
  ex.h2 = null;
  upstreamDone(ex, err);
}

/** The lean client's callbacks; set on the pool registry before the first table is built. */
export function useLeanUpstreamClient(pools: PoolRegistry): void {
  pools.h1Callbacks = { onHeaders: onH1Headers, onDone: onH1Done } as H1Callbacks;
  pools.h1DropResponse = DROP_RESPONSE;
  pools.h2Callbacks = { onHeaders: onH2Headers, onTrailers: onH2Trailers, onDone: onH2Done } satisfies H2Callbacks;
}

function onUpstreamDone(err: Error | null, data: Dispatcher.StreamData<Exchange>): void {
  upstreamDone(data.opaque, err);
}

/** Ends the exported span of the attempt that just finished. */
function endAttemptSpan(ex: Exchange, span: AttemptSpan, err: Error | null): void {
  ex.attemptSpan = null;
  try {
    span.end(ex.attemptStatus, err === null ? "" : classifyUpstreamError(err, ex.routeTimedOut || ex.tryTimedOut).flag);
  } catch {
    // Tracing never fails a request.
  }
}

function upstreamDone(ex: Exchange, err: Error | null): void {
  if (ex.tryTimer !== null) { clearTimeout(ex.tryTimer); ex.tryTimer = null; }
  if (ex.attemptSpan !== null) endAttemptSpan(ex, ex.attemptSpan, err);
  if (ex.permit === PERMIT_ACTIVE) {
    ex.permit = PERMIT_NONE;
    // May start another request that waited for this connection, right here.
    ex.host!.release();
  }
  if (ex.retrying) { ex.retrying = false; ex.runtime.cluster.retryEnd(); }
  if (ex.relayed) {
    finish(ex);
    // Headers were already relayed: all that can be said now is cutting the response short.
    if (err !== null) ex.res.destroy();
    return;
  }
  if (ex.done) return;
  if (ex.bodyTooLarge) return fail(ex, GatewayErrors.PAYLOAD_TOO_LARGE);
  if (ex.res.destroyed || ex.req.destroyed && !ex.req.complete) {
    // The client went away (or cut its request short): nobody to answer.
    finish(ex);
    recordRequest(ex, ex.slot, 0, FLAG_DC, 0);
    return;
  }
  if (ex.discarding) {
    scheduleRetry(ex);
    return;
  }
  if (err === null) return finish(ex);
  const error = classifyUpstreamError(err, ex.routeTimedOut || ex.tryTimedOut);
  const failure = error === GatewayErrors.UPSTREAM_CONNECT_FAILURE ? Failure.ConnectFailure
    : error === GatewayErrors.UPSTREAM_TIMEOUT ? Failure.Timeout
    : (err as { code?: string }).code === H2_REFUSED_STREAM ? Failure.RefusedStream : Failure.Reset;
  const od = ex.dest.outlier;
  if (od !== null && recordOutcome(od, ex.host!, ex.runtime.balancer.hosts, ex.runtime.cluster, LOCAL_FAILURE, Date.now())) ex.runtime.ejections[ex.targetIndex]!.count++;
  if (!ex.routeTimedOut && ex.retry !== null && failureRetriable(ex.retry, failure)) {
    if (mayRetry(ex)) return scheduleRetry(ex);
    return fail(ex, failure === Failure.Timeout ? GatewayErrors.RETRIES_EXHAUSTED_TIMEOUT : GatewayErrors.RETRIES_EXHAUSTED);
  }
  fail(ex, error);
}

function onTryTimeout(ex: Exchange): void {
  ex.tryTimer = null;
  ex.tryTimedOut = true;
  abortTry(ex);
}

function onRouteTimeout(ex: Exchange): void {
  ex.routeTimer = null;
  ex.routeTimedOut = true;
  if (ex.backoffTimer !== null) {
    // Waiting to try again: the time is up, so the answer is the timeout.
    fail(ex, ex.retries > 0 ? GatewayErrors.RETRIES_EXHAUSTED_TIMEOUT : GatewayErrors.UPSTREAM_TIMEOUT);
    return;
  }
  abortTry(ex);
}

/** A delayed request goes on, unless its client left meanwhile or the abort share takes it. */
function afterFaultDelay(ex: Exchange, rawQuery: string): void {
  ex.proxy.inflight--;
  if (ex.res.destroyed) {
    ex.done = true;
    recordRequest(ex, routeSlot(ex.table, ex.match.route.name), 0, FLAG_DC, 0);
    return;
  }
  if (!abortByFault(ex, ex.match.rule.fault!)) proceed(ex.proxy, ex, rawQuery);
}

/** Answers with the rule's fault status when this request falls in its abort share (flag FI); true when it did. */
function abortByFault(ex: Exchange, fault: CompiledFault): boolean {
  if (fault.abortFraction === 0 || Math.random() >= fault.abortFraction) return false;
  ex.done = true;
  const error: GatewayError = { ...GatewayErrors.FAULT_ABORT, status: fault.abortStatus, ...(fault.abortGrpcStatus >= 0 ? { grpcStatus: fault.abortGrpcStatus } : {}) };
  reply(ex, ex.res, routeSlot(ex.table, ex.match.route.name), error);
  return true;
}

const EXCHANGE = Symbol("exchange");
type ExchangeResponse = ServerResponse & { [EXCHANGE]?: Exchange };

/** The client connection's response closed (finished or not): one shared listener, no closure per request. */
function onResponseClose(this: ExchangeResponse): void {
  const ex = this[EXCHANGE]!;
  ex.state!.inflight--;
  // Not ended by us: the client went away.
  if (!this.writableEnded) onClientGone(ex);
}

/** Client went away before the response finished: stop the upstream exchange too. */
function onClientGone(ex: Exchange): void {
  abortTry(ex);
  if (ex.backoffTimer !== null) {
    finish(ex);
    recordRequest(ex, ex.slot, 0, FLAG_DC, 0);
  }
}

/** Buffers a small body so it can be sent again on a retry, then starts the first try. */
function bufferThenSend(ex: Exchange, expected: number): void {
  const body = Buffer.allocUnsafe(expected);
  let at = 0;
  ex.req.on("data", (chunk: Buffer) => {
    if (at + chunk.length > expected) { ex.req.destroy(); return; }
    chunk.copy(body, at);
    at += chunk.length;
  });
  ex.req.once("end", () => {
    ex.body = at === expected ? body : body.subarray(0, at);
    attempt(ex);
  });
}

/** The request handler of one listener (plain HTTP, or HTTPS with `listener.secure`). */
export function createProxyHandler(state: ProxyState, listener: ListenerInfo = PLAIN_LISTENER) {
  const secure = listener.secure;
  return function handle(req: IncomingMessage, res: ServerResponse): void {
    const rt = state.current;
    const start = monoClock();
    const rawUrl = req.url ?? "/";
    const accessLog = state.accessLog ?? null;
    const q = rawUrl.indexOf("?");
    const method = req.method ?? "GET";
    const trace = startTrace(req.headers, rt.tracing.sampleRatio);
    if (trace.sampled && rt.tracing.sink !== null) trace.span = startServerSpan(rt, trace, method, q === -1 ? rawUrl : rawUrl.slice(0, q), res);
    const path = canonicalizePath(rawUrl);
    if (path === null) {
      return reply({ accessLog, req, start, rule: -1, target: "", upstreamMs: -1, requestId: "", trace }, res, rt.unroutedSlot, GatewayErrors.INVALID_PATH);
    }

    const rawQuery = q === -1 ? "" : rawUrl.slice(q);
    if (!secure && rt.table.httpsRedirect !== null) {
      // Gateway-wide (Istio Gateway httpsRedirect): for its hosts, before any route is chosen.
      const redirect = globalHttpsRedirect(rt, req);
      if (redirect !== null) {
        return sendHttpsRedirect({ accessLog, req, start, rule: -1, target: "", upstreamMs: -1, requestId: "", trace }, res, rt.unroutedSlot, redirect, listener, path + rawQuery);
      }
    }
    const query = rt.needsQuery && q !== -1 ? new URLSearchParams(rawQuery.slice(1)) : null;
    const match = matchRoute(rt.table, { method, host: req.headers.host, path, headers: req.headers, query });
    if (match === null) {
      return reply({ accessLog, req, start, rule: -1, target: "", upstreamMs: -1, requestId: "", trace }, res, rt.unroutedSlot, GatewayErrors.NO_ROUTE);
    }

    if (!secure && match.route.httpsRedirect !== null) {
      // The route is HTTPS-only (Kong protocols: [https]): answered before its policies run.
      const redirect = routeHttpsRedirect(rt, match.route, req);
      if (redirect !== null) {
        const slot = routeSlot(rt, match.route.name);
        return sendHttpsRedirect({ accessLog, req, start, rule: match.ruleIndex, target: "", upstreamMs: -1, requestId: "", trace }, res, slot, redirect, listener, path + rawQuery);
      }
    }
    const rule = match.rule;
    const peerIp = plainIp(req.socket.remoteAddress ?? "");
    let clientIp = peerIp, peerTrusted = false;
    if (rt.trustedProxies !== null) {
      const addr = clientAddress(req, rt.trustedProxies);
      clientIp = addr.ip;
      peerTrusted = addr.peerTrusted;
      // Edge policies (limit_by ip, ip-restriction) read the client address from here.
      if (clientIp !== peerIp) (req as IncomingMessage & { clientIp?: string }).clientIp = clientIp;
    }
    const ex: Exchange = {
      h2: null, h1Conn: null, h1Pool: null, h1Head: "", h1Body: null, h1NoBody: false,
      req, res, accessLog, start, rule: match.ruleIndex, target: "", upstreamMs: -1, requestId: "", upstreamHeaders: null,
      slot: rt.unroutedSlot, runtime: null!, dest: null!, method, path, clientIp, peerIp, peerTrusted, secure, bodyTooLarge: false, consumer: "", consumerId: 0, match, policy: null, table: rt, proxy: state, state: null, hash: 0,
      body: null, bodyCopy: null, grpcWeb: GRPC_WEB_NONE, grpcWebTrailers: null, retry: null, retries: 0, retrying: false, deadline: Infinity,
      targetIndex: -1, host: null, permit: PERMIT_NONE, controller: null, tryTimer: null, routeTimer: null, backoffTimer: null,
      tryTimedOut: false, routeTimedOut: false, deadlineFromCall: false, faultApplied: false, discarding: false, relayed: false, sentAt: 0, done: false,
      trace, attemptSpan: null, attemptStatus: 0,
    };

    // Access phase (edge policies: auth, then rate limits) runs here, before any upstream work;
    // it may answer the request itself, and may set ex.consumer.
    const pipeline = rt.policies === null ? null : rt.policies.byRule.get(match.rule) ?? null;
    if (pipeline !== null) {
      const pr = new PolicyRequest(req, res, pipeline, path, rawQuery, countPolicyResponse, afterPolicies, ex);
      ex.policy = pr;
      if (runAccess(pr)) afterPolicies(pr);
      return;
    }
    proceed(state, ex, rawQuery);
  };
}

/** Starts the exported SERVER span; a failing exporter leaves the request untraced, never failed. */
function startServerSpan(rt: RuntimeTable, trace: RequestTrace, method: string, urlPath: string, res: ServerResponse): ServerSpan | null {
  try {
    return rt.tracing.sink!.startServer(trace, method, urlPath, res);
  } catch {
    return null;
  }
}

/** Counts (and logs) a response an access policy made itself: 401, 429, a CORS preflight … */
function countPolicyResponse(pr: PolicyRequest, status: number, flag: string): void {
  const ex = pr.context as Exchange;
  ex.done = true;
  if (pr.consumer !== null) setConsumer(ex, pr);
  const slot = routeSlot(ex.table, ex.match.route.name);
  recordRequest(ex, slot, status, flagIndex(flag as Parameters<typeof flagIndex>[0]), 0);
  if (flag === "RL") ex.table.events.inc("rate_limited", [ex.match.route.name, pr.deniedBy, ex.consumer]);
  else if (flag === "UAEX") ex.table.events.inc("auth_rejected", [ex.match.route.name, pr.deniedBy, pr.denyReason]);
}

function setConsumer(ex: Exchange, pr: PolicyRequest): void {
  const consumer = pr.consumer!;
  ex.consumer = consumer.username;
  ex.consumerId = ex.table.consumerIds[consumer.index] ?? 0;
}

function afterPolicies(pr: PolicyRequest): void {
  const ex = pr.context as Exchange;
  if (pr.consumer !== null) setConsumer(ex, pr);
  proceed(ex.proxy, ex, pr.rawQuery);
}

/** Everything after the access phase: fault injection, redirects and direct responses, destination, first try. */
function proceed(state: ProxyState, ex: Exchange, rawQuery: string): void {
  const { req, res, match, method } = ex;
  const rt = ex.table;
  const rule = match.rule;
  const path = ex.path;
  if (rule.fault !== null && !ex.faultApplied) {
    ex.faultApplied = true;
    const fault = rule.fault;
    if (fault.delayFraction > 0 && Math.random() < fault.delayFraction) {
      state.inflight++; // in flight while held back: a drain waits for it
      setTimeout(afterFaultDelay, fault.delayMs, ex, rawQuery);
      return;
    }
    if (abortByFault(ex, fault)) return;
  }
  if (rule.redirect !== null || rule.directResponse !== null) {
    ex.done = true;
    const slot = routeSlot(rt, match.route.name);
    if (rule.redirect !== null) return sendRedirect(ex, slot, rule.redirect, path, rawQuery);
    return sendDirectResponse(ex, slot, rule.directResponse!);
  }

  const sticky = rule.sticky;
  const dest = pickDestination(rule, sticky === null ? Math.random() : stickyFraction(sticky, req, ex.clientIp, ex.consumer));
  const runtime = rt.destinations[dest.id]!;
  ex.dest = dest;
  ex.runtime = runtime;
  if (dest.pool.http2) ex.grpcWeb = grpcWebMode(req.headers["content-type"]);
  ex.slot = runtime.slot;
  ex.path = upstreamPath(match.route, rule, path) + rawQuery;
  if (dest.hashKey !== null) ex.hash = requestHash(dest.hashKey, req, ex.clientIp, rawQuery);

  // http2MaxRequests over all workers of the process: compare-and-swap, exact at the limit.
  if (!runtime.cluster.tryAcquire(dest.pool.maxRequests)) {
    ex.done = true;
    return reply(ex, res, ex.slot, GatewayErrors.UPSTREAM_OVERFLOW);
  }
  state.inflight++;
  ex.state = state;
  (res as ExchangeResponse)[EXCHANGE] = ex;
  res.on("close", onResponseClose);
  let timeoutMs = dest.timeoutMs;
  const callTimeout = req.headers["grpc-timeout"];
  if (typeof callTimeout === "string" && isGrpcRequest(req.headers)) {
    // A gRPC call's own deadline, when it is the sooner one (Istio has Envoy honour it).
    const ms = grpcTimeoutMs(callTimeout);
    if (ms !== null && (timeoutMs === null || ms < timeoutMs)) {
      timeoutMs = ms;
      ex.deadlineFromCall = true;
    }
  }
  if (timeoutMs !== null) {
    ex.deadline = wallClock() + timeoutMs;
    ex.routeTimer = setTimeout(onRouteTimeout, timeoutMs, ex);
  }

  const policy = dest.retry;
  // gRPC calls are all POST: they take the policy's gRPC side (its gRPC statuses, and what was never processed).
  const grpcPolicy = policy !== null && policy.grpc !== null && method === "POST" && isGrpcRequest(req.headers) ? policy.grpc : null;
  const retry = policy !== null && methodRetriable(policy, method) ? policy : grpcPolicy;
  const limit = match.route.maxBodyBytes;
  if (limit !== null && hasBody(req) && Number(req.headers["content-length"] ?? 0) > limit) {
    // Refused from the declared length, before reading or sending any of it.
    return fail(ex, GatewayErrors.PAYLOAD_TOO_LARGE);
  }
  if (!hasBody(req)) {
    ex.retry = retry;
    return attempt(ex);
  }
  const length = req.headers["transfer-encoding"] === undefined ? Number(req.headers["content-length"]) : NaN;
  if (length > 0 && length <= MAX_REPLAY_BODY_BYTES) {
    // A small body with a known length is read whole first (as nginx buffers request bodies):
    // it can then be tried again, copied to a mirror, and sent over the lean upstream client in
    // one write instead of streamed through undici, which costs about twice the CPU per request.
    ex.retry = retry;
    return bufferThenSend(ex, length);
  }
  // A streamed body can be sent once only: no retries for this request. Unless it is a gRPC
  // call's: a unary call's body is small and whole by the time its status comes back, so a copy
  // of up to 64 KB is kept while it streams (as Envoy buffers for retries), and a retry sends it.
  if (grpcPolicy !== null) {
    ex.retry = grpcPolicy;
    ex.bodyCopy = new BodyCopy(MAX_REPLAY_BODY_BYTES);
  }
  ex.body = streamedBody(req, limit, ex, ex.bodyCopy);
  attempt(ex);
}

/** Copies the request to the rule's mirror, when it has one and this request is in its share. */
function maybeMirror(ex: Exchange, rt: RuntimeTable): void {
  const mirror = ex.match.rule.mirror;
  if (mirror === null || (mirror.fraction < 1 && Math.random() >= mirror.fraction)) return;
  if (ex.body !== null && !Buffer.isBuffer(ex.body)) return; // a streamed body can be read once only, by the real request
  sendMirror(rt.destinations[mirror.destination.id]!, ex.method, ex.path, ex.req.headers, ex.body as Buffer | null, ex.clientIp, ex.trace);
}
