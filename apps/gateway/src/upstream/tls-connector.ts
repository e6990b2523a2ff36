import { connect as connectTls, type TLSSocket } from "node:tls";
import type { buildConnector } from "undici";
import { H1Error } from "./h1-connection.ts";
import { TlsHandshakeError } from "./tls-handshake-error.ts";
import type { UpstreamTlsOptions } from "./tls-options.ts";

/** The last TLS session a target gave, resumed by the next connection (an abbreviated handshake). */
export interface TlsSessionCache { session: Buffer | undefined }

/** An HTTP/1.1 TLS connection to a target, as both upstream clients open them. */
export function openUpstreamTls(tls: UpstreamTlsOptions, host: string, port: number, cache: TlsSessionCache): TLSSocket {
  const socket = connectTls({ ...tls, host, port, ALPNProtocols: ["http/1.1"], session: cache.session });
  socket.setNoDelay(true);
  socket.setKeepAlive(true);
  socket.on("session", (session: Buffer) => { cache.session = session; });
  return socket;
}

/**
 * The server name every request through undici names (its `servername` option). undici closes
 * an https: pool's connection whenever a request names another server than the one before, by
 * default its Host header: requests from a route with an authority rewrite, or mirror copies
 * (Host + "-shadow"), would each reconnect. tlsConnector takes the SNI from the destination and
 * ignores this name.
 */
export const UNDICI_SERVERNAME = "destination";

/**
 * undici's connector for a TLS target. undici's own would take the server name from each
 * request's Host header (a rewritten or preserved host would become the SNI, and its change
 * would close the connection); this one always uses the destination's options, and resumes the
 * last session the target gave, as the lean pool does.
 */
export function tlsConnector(tls: UpstreamTlsOptions, timeoutMs: number): buildConnector.connector {
  const cache: TlsSessionCache = { session: undefined };
  return ({ hostname, port }, callback) => {
    const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
    const socket = openUpstreamTls(tls, host, Number(port) || 443, cache);
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off("error", settle);
      if (err === null) callback(null, socket);
      else { socket.destroy(); callback(err instanceof H1Error ? err : new TlsHandshakeError(err), null); }
    };
    const timer = setTimeout(() => settle(new H1Error("UND_ERR_CONNECT_TIMEOUT", "connect timeout")), timeoutMs);
    timer.unref();
    socket.once("secureConnect", () => settle(null));
    socket.on("error", settle);
    socket.once("close", () => settle(new Error("connection closed")));
  };
}
