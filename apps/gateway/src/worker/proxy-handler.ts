import type { IncomingMessage, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { canonicalizePath, forwardPath, matchRoute, pickDestination } from "@switchyard/routing";
import { classifyUpstreamError, errorBody, flagIndex, GatewayErrors, type GatewayError } from "../errors.ts";
import { clientResponseHeaders, upstreamRequestHeaders } from "./forward-headers.ts";
import type { StatSlot } from "./request-stats.ts";
import type { DestinationRuntime, RuntimeTable } from "./runtime-table.ts";

/** Header on every response the gateway makes itself, carrying the response flag. */
export const FLAG_HEADER = "x-switchyard-flag";

/** Without a route timeout, the longest the gateway waits for upstream response headers. */
const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
/** Longest pause between two body chunks, either way. */
const BODY_IDLE_TIMEOUT_MS = 300_000;

const FLAG_NONE = flagIndex("");
const FLAG_DC = flagIndex("DC");

/** Per-request state handed to undici as `opaque`, so the callbacks below are shared, not per request. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  slot: StatSlot;
  runtime: DestinationRuntime;
  target: number;
  controller: AbortController;
  timer: NodeJS.Timeout | null;
  timedOut: boolean;
  counted: boolean;
}

export interface ProxyState {
  /** Read once per request: a request keeps the table it started with. */
  current: RuntimeTable;
  inflight: number;
}

function sendError(res: ServerResponse, slot: StatSlot, error: GatewayError, message?: string): void {
  slot.add(error.status, flagIndex(error.flag));
  if (res.headersSent || res.destroyed) return;
  const body = errorBody(error, message);
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

function onUpstreamHeaders(data: Dispatcher.StreamFactoryData<Exchange>): ServerResponse {
  const ex = data.opaque;
  ex.counted = true;
  ex.slot.add(data.statusCode, FLAG_NONE);
  ex.res.writeHead(data.statusCode, clientResponseHeaders(data.headers));
  return ex.res;
}

function onUpstreamDone(err: Error | null, data: Dispatcher.StreamData<Exchange>): void {
  const ex = data.opaque;
  finish(ex);
  if (err === null) return;
  if (!ex.counted) {
    if (ex.res.destroyed || ex.req.destroyed) {
      ex.counted = true;
      ex.slot.add(0, FLAG_DC);
      return;
    }
    ex.counted = true;
    sendError(ex.res, ex.slot, classifyUpstreamError(err, ex.timedOut));
    return;
  }
  // Headers were already relayed: all that can be said now is cutting the response short.
  ex.res.destroy();
}

function finish(ex: Exchange): void {
  if (ex.timer !== null) { clearTimeout(ex.timer); ex.timer = null; }
  ex.runtime.balancer.inflight[ex.target]!--;
}

function onTimeout(ex: Exchange): void {
  ex.timer = null;
  ex.timedOut = true;
  ex.controller.abort();
}

/** Client went away before the response finished: stop the upstream exchange too. */
function onClientClose(this: ServerResponse, ex: Exchange): void {
  if (!this.writableFinished) ex.controller.abort();
}

export function createProxyHandler(state: ProxyState) {
  return function handle(req: IncomingMessage, res: ServerResponse): void {
    const rt = state.current;
    const rawUrl = req.url ?? "/";
    const path = canonicalizePath(rawUrl);
    if (path === null) return sendError(res, rt.unroutedSlot, GatewayErrors.INVALID_PATH);

    const q = rawUrl.indexOf("?");
    const rawQuery = q === -1 ? "" : rawUrl.slice(q);
    const method = req.method ?? "GET";
    const match = matchRoute(rt.table, {
      method,
      host: req.headers.host,
      path,
      headers: req.headers,
      query: rt.needsQuery && q !== -1 ? new URLSearchParams(rawQuery.slice(1)) : null,
    });
    if (match === null) return sendError(res, rt.unroutedSlot, GatewayErrors.NO_ROUTE);

    const dest = pickDestination(match.rule, Math.random());
    const runtime = rt.destinations[dest.id]!;
    const target = runtime.balancer.pick();
    if (target < 0) return sendError(res, runtime.slot, GatewayErrors.NO_HEALTHY_UPSTREAM);

    const ex: Exchange = {
      req, res, slot: runtime.slot, runtime, target,
      controller: new AbortController(), timer: null, timedOut: false, counted: false,
    };
    runtime.balancer.inflight[target]!++;
    state.inflight++;
    res.once("close", () => {
      state.inflight--;
      onClientClose.call(res, ex);
    });
    const timeoutMs = dest.timeoutMs;
    if (timeoutMs !== null) ex.timer = setTimeout(onTimeout, timeoutMs, ex);

    const t = dest.targets[target]!;
    runtime.pools[target]!.stream<Exchange>(
      {
        path: forwardPath(match.route, path) + rawQuery,
        method: method as Dispatcher.HttpMethod,
        headers: upstreamRequestHeaders(req.headers, { remoteAddress: req.socket.remoteAddress ?? "", authority: t.authority }),
        body: hasBody(req) ? req : null,
        signal: ex.controller.signal,
        opaque: ex,
        headersTimeout: timeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
        bodyTimeout: BODY_IDLE_TIMEOUT_MS,
      },
      onUpstreamHeaders,
      onUpstreamDone,
    );
  };
}
