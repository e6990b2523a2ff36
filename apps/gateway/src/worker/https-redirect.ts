import type { IncomingMessage, ServerResponse } from "node:http";
import { hostMatches, normalizeHost, type CompiledHttpsRedirect, type CompiledRoute } from "@switchyard/routing";
import { flagIndex } from "../errors.ts";
import { clientAddress } from "@switchyard/config/client-address";
import { recordRequest, type RequestContext } from "./record-request.ts";
import type { StatSlot } from "./request-stats.ts";
import type { RuntimeTable } from "./runtime-table.ts";

const FLAG_NONE = flagIndex("");
export const UPGRADE_REQUIRED_BODY = Buffer.from('{"message":"Please use HTTPS protocol"}');

/** Which listener a request came in on. */
export interface ListenerInfo {
  readonly secure: boolean;
  /** The gateway's HTTPS port (for redirect Locations); null when it has no HTTPS listener. */
  readonly httpsPort: number | null;
}

export const PLAIN_LISTENER: ListenerInfo = Object.freeze({ secure: false, httpsPort: null });

/** The settings-wide redirect when it covers the request's host (checked before routing), else null. */
export function globalHttpsRedirect(rt: RuntimeTable, req: IncomingMessage): CompiledHttpsRedirect | null {
  const r = rt.table.httpsRedirect;
  if (r === null) return null;
  if (r.hosts.length > 0) {
    const host = normalizeHost(req.headers.host);
    if (!r.hosts.some((m) => hostMatches(m, host))) return null;
  }
  return alreadyHttps(rt, req) ? null : r;
}

/** The route's own redirect, unless a trusted proxy says the client already used HTTPS. */
export function routeHttpsRedirect(rt: RuntimeTable, route: CompiledRoute, req: IncomingMessage): CompiledHttpsRedirect | null {
  const r = route.httpsRedirect;
  return r === null || alreadyHttps(rt, req) ? null : r;
}

/** TLS ended at a trusted proxy in front (Kong does the same with trusted_ips). */
function alreadyHttps(rt: RuntimeTable, req: IncomingMessage): boolean {
  if (rt.trustedProxies === null) return false;
  const proto = req.headers["x-forwarded-proto"];
  if (typeof proto !== "string" || proto.toLowerCase() !== "https") return false;
  return clientAddress(req, rt.trustedProxies).peerTrusted;
}

/** `https://host[:port]/path?query`; the port is left out when it is 443 or unknown. */
export function httpsLocation(r: CompiledHttpsRedirect, listener: ListenerInfo, hostHeader: string | undefined, pathAndQuery: string): string {
  const raw = hostHeader ?? "";
  const host = raw.startsWith("[") ? raw.slice(0, raw.indexOf("]") + 1) : raw.split(":")[0]!;
  const port = r.port ?? listener.httpsPort;
  return `https://${host}${port === null || port === 443 ? "" : `:${port}`}${pathAndQuery}`;
}

/** Response head of the redirect: Location for 3xx; 426 names the protocol to upgrade to (as Kong). */
export function httpsRedirectHeaders(r: CompiledHttpsRedirect, location: string): Record<string, string | number> {
  if (r.status === 426) {
    return { "content-type": "application/json", "content-length": UPGRADE_REQUIRED_BODY.length, upgrade: "TLS/1.2, HTTP/1.1", connection: "Upgrade" };
  }
  return { location, "content-length": 0 };
}

/** Answers a plain-HTTP request with the redirect to HTTPS; counted like the other local redirects. */
export function sendHttpsRedirect(ctx: RequestContext, res: ServerResponse, slot: StatSlot, r: CompiledHttpsRedirect, listener: ListenerInfo, pathAndQuery: string): void {
  const location = httpsLocation(r, listener, ctx.req.headers.host, pathAndQuery);
  const body = r.status === 426 ? UPGRADE_REQUIRED_BODY : null;
  recordRequest(ctx, slot, r.status, FLAG_NONE, body?.length ?? 0);
  res.writeHead(r.status, httpsRedirectHeaders(r, location));
  res.end(body);
}

