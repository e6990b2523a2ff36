import { createServer, type Server } from "node:https";
import { createSecureServer, type Http2SecureServer } from "node:http2";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import type { TestCertificate } from "@switchyard/config/testing";
import { WebSocketServer } from "ws";

/** One request as the TLS upstream saw it. */
export interface TlsRequestSeen {
  path: string;
  method: string;
  /** SNI the client sent; null: none. */
  servername: string | null;
  /** Host (HTTP/1.1) or :authority (HTTP/2) the request carried. */
  host: string | null;
  httpVersion: string;
  bodyBytes: number;
  /** CN of the client certificate the gateway presented; null: none. */
  clientCn: string | null;
}

export interface TlsUpstream {
  port: number;
  /** Requests that reached the handler, oldest first. */
  seen: TlsRequestSeen[];
  /** TLS handshakes completed (new connections, resumed or not), by the SNI they carried ("" for none). */
  handshakes: Map<string, number>;
  close(): Promise<void>;
}

/**
 * An HTTPS (or, with `http2`, HTTP/2 over TLS) upstream on 127.0.0.1 presenting `cert`: answers
 * every request with JSON `{ path, servername, bodyBytes }` once its body is read, and records it;
 * over HTTP/1.1 it also takes WebSocket upgrades. With `clientCa`, a client must present a
 * certificate issued by it (mTLS) or the handshake fails.
 */
export async function startTlsUpstream(cert: TestCertificate, options: { http2?: boolean; clientCa?: string } = {}): Promise<TlsUpstream> {
  const seen: TlsRequestSeen[] = [];
  const handshakes = new Map<string, number>();
  const handler = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    let bodyBytes = 0;
    req.on("data", (c: Buffer) => { bodyBytes += c.length; });
    req.on("end", () => {
      const socket = req.socket as TLSSocket;
      const servername = socket.servername;
      const clientCn = socket.getPeerCertificate().subject?.CN;
      const entry = {
        path: req.url ?? "", method: req.method ?? "", servername: typeof servername === "string" ? servername : null,
        host: (req.headers.host ?? req.headers[":authority"] ?? null) as string | null, httpVersion: req.httpVersion, bodyBytes,
        clientCn: typeof clientCn === "string" ? clientCn : null,
      };
      seen.push(entry);
      const body = JSON.stringify(entry);
      // Both response kinds take the same calls; the union's overloads just don't say so.
      const out = res as ServerResponse;
      out.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      out.end(body);
    });
  };
  const tls = { cert: cert.cert, key: cert.key, ...(options.clientCa ? { requestCert: true, rejectUnauthorized: true, ca: options.clientCa } : {}) };
  const server: Server | Http2SecureServer = options.http2 ? createSecureServer(tls, handler) : createServer(tls, handler);
  server.on("secureConnection", (socket: TLSSocket) => {
    const sni = typeof socket.servername === "string" ? socket.servername : "";
    handshakes.set(sni, (handshakes.get(sni) ?? 0) + 1);
  });
  if (!options.http2) {
    // wss:// upgrades answer each message with the SNI the tunnel's TLS connection carried.
    new WebSocketServer({ server: server as Server }).on("connection", (ws, req) => {
      const servername = (req.socket as TLSSocket).servername;
      ws.on("message", (m) => ws.send(`${typeof servername === "string" ? servername : "-"}:${String(m)}`));
    });
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    handshakes,
    close: () => new Promise<void>((resolve) => {
      (server as Server).closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
