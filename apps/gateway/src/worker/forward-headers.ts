import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { newRequestId } from "./request-id.ts";
import { HTTP_TOKEN } from "../server/http-syntax.ts";

/**
 * Hop-by-hop headers (RFC 9110 7.6.1) plus the ones the gateway sets itself. `expect` is
 * answered by the gateway's own listener (100 Continue), so it must not reach the upstream.
 */
const DROP_REQUEST = new Set([
  "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "expect",
  "proxy-authorization", "proxy-authenticate", "http2-settings",
  "host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-request-id", "forwarded",
  // Consumer identity is set by the auth policies only; a client must not be able to claim one.
  "x-consumer-id", "x-consumer-username", "x-consumer-custom-id", "x-credential-identifier", "x-anonymous-consumer", "x-consumer-groups",
  // Trace context is re-issued per upstream attempt (trace-context.ts), never copied as received.
  "traceparent", "tracestate",
]);

export const DROP_RESPONSE: ReadonlySet<string> = new Set([
  "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
  "proxy-authenticate", "http2-settings", "x-switchyard-flag",
]);

/**
 * Extra header names listed in a `Connection` header (those are hop-by-hop too). null when the
 * header only says keep-alive/close, which is nearly always, so the common case allocates nothing.
 */
function connectionTokens(value: string | string[] | undefined): Set<string> | null {
  if (value === undefined) return null;
  const text = Array.isArray(value) ? value.join(",") : value;
  const lower = text.toLowerCase();
  if (lower === "keep-alive" || lower === "close") return null;
  const tokens = new Set<string>();
  for (const t of lower.split(",")) {
    const name = t.trim();
    if (name) tokens.add(name);
  }
  return tokens;
}

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

export interface ForwardInfo {
  remoteAddress: string;
  authority: string;
  /** The peer is a trusted proxy: its forwarding headers are extended, not replaced. */
  trustedPeer?: boolean;
  /** The request came in over the HTTPS listener. */
  secure?: boolean;
}


/** One RFC 7239 element for this hop (HTTPS listener): for, host and proto=https. */
function forwardedElement(remoteAddress: string, host: string | undefined): string {
  const forIp = remoteAddress.includes(":") ? `"[${remoteAddress}]"` : remoteAddress;
  let out = `for=${forIp}`;
  if (host !== undefined && host !== "") out += `;host=${HTTP_TOKEN.test(host) ? host : `"${host.replace(/["\\]/g, "")}"`}`;
  return `${out};proto=https`;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Request headers for upstream: hop-by-hop and client-sent internal headers removed, ours added. */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders, info: ForwardInfo): Record<string, string | string[]> {
  const extra = connectionTokens(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    if (DROP_REQUEST.has(name) || name.startsWith("x-switchyard-")) continue;
    if (extra !== null && extra.has(name)) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  out.host = info.authority;
  if (info.trustedPeer === true) {
    // From a trusted proxy: keep the chain it reports and add the hop it came from.
    const xff = headers["x-forwarded-for"];
    out["x-forwarded-for"] = xff === undefined ? info.remoteAddress : `${Array.isArray(xff) ? xff.join(", ") : xff}, ${info.remoteAddress}`;
    out["x-forwarded-proto"] = first(headers["x-forwarded-proto"]) ?? (info.secure === true ? "https" : "http");
    const fhost = first(headers["x-forwarded-host"]) ?? headers.host;
    if (fhost !== undefined) out["x-forwarded-host"] = fhost;
    if (info.secure === true) {
      const own = forwardedElement(info.remoteAddress, headers.host);
      const prior = headers.forwarded;
      out.forwarded = prior === undefined ? own : `${Array.isArray(prior) ? prior.join(", ") : prior}, ${own}`;
    } else if (headers.forwarded !== undefined) out.forwarded = headers.forwarded;
  } else {
    // Not from a trusted proxy: client-sent forwarding headers are not believed.
    out["x-forwarded-for"] = info.remoteAddress;
    if (headers.host !== undefined) out["x-forwarded-host"] = headers.host;
    if (info.secure === true) {
      out["x-forwarded-proto"] = "https";
      out.forwarded = forwardedElement(info.remoteAddress, headers.host);
    } else out["x-forwarded-proto"] = "http";
  }
  const id = headers["x-request-id"];
  out["x-request-id"] = typeof id === "string" && REQUEST_ID.test(id) ? id : newRequestId();
  return out;
}

/** Response headers for the client: hop-by-hop removed (Node adds its own framing). */
export function clientResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const extra = connectionTokens(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (DROP_RESPONSE.has(name)) continue;
    if (extra !== null && extra.has(name)) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Flat [name, value, …] response headers (lean client: names lower-case, hop-by-hop ones already
 * left out) as an object for header operations; names listed in `connection` are left out too.
 */
export function responseHeadersFromFlat(flat: readonly string[], connection: string): OutgoingHttpHeaders {
  const extra = connectionTokens(connection === "" ? undefined : connection);
  const out: OutgoingHttpHeaders = {};
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!, value = flat[i + 1]!;
    if (extra !== null && extra.has(name)) continue;
    const prev = out[name];
    if (prev === undefined) out[name] = name === "set-cookie" ? [value] : value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = `${String(prev)}, ${value}`;
  }
  return out;
}

/** Whether a Connection header names headers beyond keep-alive/close (which must then be dropped). */
export function connectionNamesHeaders(connection: string): boolean {
  return connection !== "" && connectionTokens(connection) !== null;
}

/** HTTP/2 response headers (or trailers) for the client: pseudo-headers and hop-by-hop ones left out. */
export function h2ResponseHeaders(headers: Record<string, string | string[] | number | undefined>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (name.charCodeAt(0) === 58 /* ":" */ || DROP_RESPONSE.has(name)) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
