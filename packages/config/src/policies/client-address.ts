import { cidrContains, parseCidr, parseIp, type Cidr } from "./ip-address.ts";

/** What clientAddress reads of a request (an http.IncomingMessage has it). */
export interface ForwardedRequest {
  socket: { remoteAddress?: string | undefined };
  headers: { "x-forwarded-for"?: string | string[] | undefined; forwarded?: string | string[] | undefined };
}

/**
 * Trusted proxies (the gateway's settings.trustedProxies, the control plane's
 * SWITCHYARD_TRUSTED_PROXIES), parsed once.
 */
export class TrustedProxies {
  private readonly cidrs: readonly Cidr[];

  constructor(list: readonly string[]) {
    this.cidrs = list.map((c) => parseCidr(c)).filter((c): c is Cidr => c !== null);
  }

  contains(ip: string): boolean {
    const bytes = parseIp(ip);
    if (bytes === null) return false;
    for (let i = 0; i < this.cidrs.length; i++) if (cidrContains(this.cidrs[i]!, bytes)) return true;
    return false;
  }
}

/** Node reports IPv4 peers of a dual-stack listener as ::ffff:a.b.c.d; the plain form is the address. */
export function plainIp(raw: string): string {
  return raw.startsWith("::ffff:") && raw.includes(".") ? raw.slice(7) : raw;
}

/** An address from a Forwarded `for=` value or an X-Forwarded-For entry: quotes, brackets and port removed. */
function addressOf(token: string): string {
  let t = token.trim();
  if (t.startsWith("\"") && t.endsWith("\"")) t = t.slice(1, -1);
  if (t.startsWith("[")) return t.slice(1, t.indexOf("]") === -1 ? t.length : t.indexOf("]"));
  const colon = t.indexOf(":");
  if (colon !== -1 && t.indexOf(":", colon + 1) === -1) t = t.slice(0, colon);
  return t;
}

function forwardedFor(value: string | string[]): string[] {
  const text = Array.isArray(value) ? value.join(",") : value;
  const out: string[] = [];
  for (const element of text.split(",")) {
    for (const pair of element.split(";")) {
      const eq = pair.indexOf("=");
      if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === "for") out.push(addressOf(pair.slice(eq + 1)));
    }
  }
  return out;
}

export interface ClientAddress {
  /** The client as the trusted hops tell it; the peer when the peer isn't trusted. */
  ip: string;
  /** Whether the peer is a trusted proxy (its X-Forwarded-* / Forwarded are passed on). */
  peerTrusted: boolean;
}

/**
 * The client address. Forwarding headers are read only when the peer is a trusted proxy; then
 * the chain (X-Forwarded-For, else Forwarded) is walked right to left past trusted proxies, and
 * the first untrusted hop is the client (if every hop is trusted, the leftmost).
 */
export function clientAddress(req: ForwardedRequest, trusted: TrustedProxies | null): ClientAddress {
  const peer = plainIp(req.socket.remoteAddress ?? "");
  if (trusted === null || !trusted.contains(peer)) return { ip: peer, peerTrusted: false };
  const xff = req.headers["x-forwarded-for"];
  const fwd = req.headers.forwarded;
  const hops = xff !== undefined
    ? (Array.isArray(xff) ? xff.join(",") : xff).split(",").map(addressOf)
    : fwd !== undefined ? forwardedFor(fwd) : [];
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (hop === "" || parseIp(hop) === null) break;
    if (!trusted.contains(hop) || i === 0) return { ip: hop, peerTrusted: true };
  }
  return { ip: peer, peerTrusted: true };
}
