import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { randomUUID } from "node:crypto";

/**
 * Hop-by-hop headers (RFC 9110 7.6.1) plus the ones the gateway sets itself. `expect` is
 * answered by the gateway's own listener (100 Continue), so it must not reach the upstream.
 */
const DROP_REQUEST = new Set([
  "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "expect",
  "proxy-authorization", "proxy-authenticate", "http2-settings",
  "host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-request-id",
]);

const DROP_RESPONSE = new Set([
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
  // No trusted proxies are configured, so a client-sent X-Forwarded-For is not believed.
  out["x-forwarded-for"] = info.remoteAddress;
  out["x-forwarded-proto"] = "http";
  if (headers.host !== undefined) out["x-forwarded-host"] = headers.host;
  const id = headers["x-request-id"];
  out["x-request-id"] = typeof id === "string" && REQUEST_ID.test(id) ? id : randomUUID();
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
