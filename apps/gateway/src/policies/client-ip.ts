import type { IncomingMessage } from "node:http";
import { parseIp } from "@switchyard/config";

/**
 * The client IP every policy uses (rate-limit keys, ip-restriction). It is the address the
 * trusted-proxy rules compute: a request carrying `clientIp` (set by the proxy from trusted
 * X-Forwarded-For hops) uses it; otherwise the peer address of the socket. A client-sent
 * X-Forwarded-For is never read here.
 */
export function clientIpOf(req: IncomingMessage): string {
  const computed = (req as IncomingMessage & { clientIp?: unknown }).clientIp;
  if (typeof computed === "string" && computed !== "") return computed;
  const raw = req.socket.remoteAddress ?? "";
  // Node reports IPv4 peers of a dual-stack listener as ::ffff:a.b.c.d; keys use the plain form.
  return raw.startsWith("::ffff:") && raw.includes(".") ? raw.slice(7) : raw;
}

const PARSED = Symbol("switchyard.clientIpBytes");

/** The client IP as 16 bytes, parsed once per connection when it comes from the socket. */
export function clientIpBytes(req: IncomingMessage): Uint8Array | null {
  const computed = (req as IncomingMessage & { clientIp?: unknown }).clientIp;
  if (typeof computed === "string" && computed !== "") return parseIp(computed);
  const socket = req.socket as typeof req.socket & { [PARSED]?: Uint8Array | null };
  if (socket[PARSED] === undefined) socket[PARSED] = parseIp(clientIpOf(req));
  return socket[PARSED];
}
