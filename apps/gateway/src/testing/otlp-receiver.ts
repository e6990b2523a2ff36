import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One received span, flattened from OTLP/JSON (ids as hex, attribute values unwrapped). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 2 server, 3 client. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  /** Attributes of the resource the span came with. */
  resource: Record<string, string | number | boolean>;
}

export interface OtlpReceiver {
  /** The traces endpoint, http://127.0.0.1:<port>/v1/traces. */
  url: string;
  spans: ReceivedSpan[];
  /** Headers of the export requests received. */
  requests: IncomingHttpHeaders[];
  /** Answer export requests with this status (200: accept). */
  status: number;
  close(): Promise<void>;
}

interface OtlpValue { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean }
interface OtlpKeyValue { key: string; value: OtlpValue }

function unwrap(attrs: OtlpKeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of attrs ?? []) {
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}

interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpKeyValue[]; status?: { code?: number } }[] }[];
  }[];
}

/**
 * A minimal OTLP/HTTP collector on loopback: accepts POST /v1/traces with a JSON body (what the
 * OpenTelemetry HTTP exporter sends) and keeps the decoded spans.
 */
export function startOtlpReceiver(): Promise<OtlpReceiver> {
  const sockets = new Set<Socket>();
  const receiver: OtlpReceiver = {
    url: "", spans: [], requests: [], status: 200,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces" || !String(req.headers["content-type"]).startsWith("application/json")) {
        res.writeHead(404, { "content-length": 0 });
        res.end();
        return;
      }
      receiver.requests.push(req.headers);
      if (receiver.status !== 200) {
        res.writeHead(receiver.status, { "content-length": 0 });
        res.end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString()) as ExportRequest;
      for (const rs of body.resourceSpans ?? []) {
        const resource = unwrap(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            receiver.spans.push({
              traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? "", name: s.name, kind: s.kind,
              attributes: unwrap(s.attributes), statusCode: s.status?.code ?? 0, resource,
            });
          }
        }
      }
      const answer = "{}";
      res.writeHead(200, { "content-type": "application/json", "content-length": answer.length });
      res.end(answer);
    });
  });
  server.on("connection", (s: Socket) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
      resolve(receiver);
    });
  });
}
