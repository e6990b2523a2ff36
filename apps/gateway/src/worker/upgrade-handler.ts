import { request, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as requestTls } from "node:https";
import type { Duplex } from "node:stream";
import { canonicalizePath, matchRoute, pickDestination, upstreamPath } from "@switchyard/routing";
import { errorBody, flagIndex, GatewayErrors, type GatewayError } from "../errors.ts";
import { clientAddress, plainIp } from "@switchyard/config/client-address";
import { upstreamRequestHeaders } from "./forward-headers.ts";
import { recordRequest, type RequestContext } from "./record-request.ts";
import type { StatSlot } from "./request-stats.ts";
import { requestHash } from "./request-hash.ts";
import type { ProxyState } from "./proxy-handler.ts";
import { routeSlot } from "./runtime-table.ts";
import { newSpanId, setTraceHeaders, startTrace } from "./trace-context.ts";
import {
  globalHttpsRedirect, httpsLocation, httpsRedirectHeaders, PLAIN_LISTENER, routeHttpsRedirect, UPGRADE_REQUIRED_BODY, type ListenerInfo,
} from "./https-redirect.ts";
import type { CompiledHttpsRedirect } from "@switchyard/routing";

const FLAG_NONE = flagIndex("");
/** Upgrade handshakes that take longer than this to be answered are given up. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

function head(status: number, reason: string, headers: IncomingHttpHeaders | Record<string, string | number>): string {
  let out = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) out += `${name}: ${item}\r\n`;
    else out += `${name}: ${v}\r\n`;
  }
  return `${out}\r\n`;
}

function refuse(socket: Duplex, ctx: RequestContext, slot: StatSlot, error: GatewayError): void {
  const body = errorBody(error);
  recordRequest(ctx, slot, error.status, flagIndex(error.flag), body.length);
  if (!socket.writable) { socket.destroy(); return; }
  socket.end(head(error.status, "Error", {
    "content-type": "application/json", "content-length": body.length, "x-switchyard-flag": error.flag, connection: "close",
  }) + body.toString());
}

/**
 * Proxies protocol upgrades (WebSocket): the handshake goes to the route's upstream like any
 * request, and only when the upstream answers 101 are the two connections joined into a tunnel.
 * Any other answer is relayed as a plain response and the connection closed.
 */
/** A plain-HTTP upgrade (ws://) on an HTTPS-only host or route gets the redirect, then the connection closes. */
function redirectUpgrade(socket: Duplex, ctx: RequestContext, slot: StatSlot, r: CompiledHttpsRedirect, listener: ListenerInfo, pathAndQuery: string): void {
  const headers = { ...httpsRedirectHeaders(r, httpsLocation(r, listener, ctx.req.headers.host, pathAndQuery)), connection: "close" };
  const body = r.status === 426 ? UPGRADE_REQUIRED_BODY : Buffer.alloc(0);
  recordRequest(ctx, slot, r.status, FLAG_NONE, body.length);
  if (!socket.writable) { socket.destroy(); return; }
  socket.end(head(r.status, r.status === 426 ? "Upgrade Required" : "Moved", headers) + body.toString());
}

export function createUpgradeHandler(state: ProxyState, listener: ListenerInfo = PLAIN_LISTENER) {
  return function onUpgrade(req: IncomingMessage, socket: Duplex, firstBytes: Buffer): void {
    socket.on("error", () => socket.destroy());
    const rt = state.current;
    const ctx: RequestContext = {
      accessLog: state.accessLog ?? null, req, start: performance.now(), rule: -1, target: "", upstreamMs: -1, requestId: "",
      // Propagated like any request; the handshake is not exported as spans.
      trace: startTrace(req.headers, rt.tracing.sampleRatio),
    };
    const rawUrl = req.url ?? "/";
    const path = canonicalizePath(rawUrl);
    if (path === null) return refuse(socket, ctx, rt.unroutedSlot, GatewayErrors.INVALID_PATH);
    const q = rawUrl.indexOf("?");
    const rawQuery = q === -1 ? "" : rawUrl.slice(q);
    const global = listener.secure ? null : globalHttpsRedirect(rt, req);
    if (global !== null) return redirectUpgrade(socket, ctx, rt.unroutedSlot, global, listener, path + rawQuery);
    const method = req.method ?? "GET";
    const match = matchRoute(rt.table, {
      method, host: req.headers.host, path, headers: req.headers,
      query: rt.needsQuery && q !== -1 ? new URLSearchParams(rawQuery.slice(1)) : null,
    });
    if (match === null || match.rule.destinations.length === 0) return refuse(socket, ctx, rt.unroutedSlot, GatewayErrors.NO_ROUTE);
    ctx.rule = match.ruleIndex;
    const own = listener.secure ? null : routeHttpsRedirect(rt, match.route, req);
    if (own !== null) return redirectUpgrade(socket, ctx, routeSlot(rt, match.route.name), own, listener, path + rawQuery);

    const peerIp = plainIp(req.socket.remoteAddress ?? "");
    const addr = rt.trustedProxies === null ? { ip: peerIp, peerTrusted: false } : clientAddress(req, rt.trustedProxies);
    const dest = pickDestination(match.rule, Math.random());
    const runtime = rt.destinations[dest.id]!;
    const index = runtime.balancer.pick(dest.hashKey === null ? 0 : requestHash(dest.hashKey, req, addr.ip, rawQuery), -1);
    if (index < 0) return refuse(socket, ctx, runtime.slot, GatewayErrors.NO_HEALTHY_UPSTREAM);
    const target = dest.targets[index]!;
    ctx.target = target.authority;

    const headers = upstreamRequestHeaders(req.headers, {
      remoteAddress: peerIp, authority: match.rule.rewrite?.authority ?? target.authority, trustedPeer: addr.peerTrusted, secure: listener.secure,
    });
    headers.connection = "upgrade";
    headers.upgrade = req.headers.upgrade ?? "websocket";
    setTraceHeaders(headers, ctx.trace, newSpanId());
    ctx.requestId = headers["x-request-id"] as string;

    const host = runtime.balancer.hosts[index]!;
    host.begin();
    const sentAt = performance.now();
    const tls = runtime.tls[index] ?? null;
    const options = {
      host: target.host, port: target.port, method, path: upstreamPath(match.route, match.rule, path) + rawQuery,
      headers, agent: false, timeout: HANDSHAKE_TIMEOUT_MS,
    } as const;
    // A tunnel to a TLS destination is a wss:// connection: same request, over TLS.
    const up = tls === null ? request(options) : requestTls({ ...tls, ...options });
    // Anything that ends a TLS connection before its handshake completes is a connect failure.
    let handshaking = tls !== null;
    if (handshaking) up.once("socket", (s) => s.once("secureConnect", () => { handshaking = false; }));
    let settled = false;
    const settle = () => { if (!settled) { settled = true; host.release(); } };

    up.on("upgrade", (res, upstream, upstreamHead) => {
      settle();
      ctx.upstreamMs = performance.now() - sentAt;
      recordRequest(ctx, runtime.slot, 101, FLAG_NONE, 0);
      if (!socket.writable) { upstream.destroy(); return; }
      socket.write(head(101, "Switching Protocols", res.headers));
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (firstBytes.length > 0) upstream.write(firstBytes);
      upstream.on("error", () => socket.destroy());
      socket.on("error", () => upstream.destroy());
      upstream.on("close", () => socket.destroy());
      socket.on("close", () => upstream.destroy());
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    up.on("response", (res) => {
      // The upstream declined the upgrade: relay its answer, no tunnel.
      settle();
      ctx.upstreamMs = performance.now() - sentAt;
      recordRequest(ctx, runtime.slot, res.statusCode ?? 502, FLAG_NONE, Number(res.headers["content-length"] ?? 0));
      const out: IncomingHttpHeaders = { ...res.headers, connection: "close" };
      delete out["transfer-encoding"];
      delete out["keep-alive"];
      socket.write(head(res.statusCode ?? 502, res.statusMessage ?? "", out));
      res.pipe(socket);
    });
    up.on("timeout", () => up.destroy(new Error("upgrade handshake timed out")));
    up.on("error", (err) => {
      if (settled) return;
      settle();
      const code = (err as { code?: string }).code;
      refuse(socket, ctx, runtime.slot, code === "ECONNREFUSED" || handshaking ? GatewayErrors.UPSTREAM_CONNECT_FAILURE : GatewayErrors.UPSTREAM_RESET);
    });
    socket.on("close", () => { if (!settled) up.destroy(); });
    up.end();
  };
}
