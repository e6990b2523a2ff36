import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { clientGrpcWebContentType, GRPC_WEB_NONE, grpcWebMode } from "./grpc-web.ts";

/**
 * Answers the gateway makes itself (no route, overflow, no healthy upstream, timeouts, auth and
 * rate-limit refusals) to a gRPC call go out as gRPC does errors, as Envoy's local replies do: a
 * "Trailers-Only" response, HTTP 200 with `grpc-status` and `grpc-message` and no body, so the
 * client sees UNAVAILABLE with the gateway's reason instead of a bare HTTP status.
 */

/** gRPC status codes used here (grpc/doc/statuscodes.md). */
const UNKNOWN = 2, PERMISSION_DENIED = 7, UNIMPLEMENTED = 12, INTERNAL = 13, UNAVAILABLE = 14, UNAUTHENTICATED = 16;

/** A gRPC or gRPC-Web call: content-type application/grpc, application/grpc+proto, application/grpc-web-text … */
export function isGrpcRequest(headers: IncomingHttpHeaders): boolean {
  const type = headers["content-type"];
  return typeof type === "string" && type.startsWith("application/grpc");
}

/** The content-type of a local reply to a gRPC(-Web) call: the client's kind (gRPC-Web takes a status in the head too). */
function replyContentType(requestType: string | undefined): string {
  const web = grpcWebMode(requestType);
  return web === GRPC_WEB_NONE ? "application/grpc" : clientGrpcWebContentType(web, undefined);
}

/** The gRPC status for an HTTP status, by the gRPC spec's mapping (doc/http-grpc-status-mapping.md), as Envoy uses it. */
export function grpcStatusFor(httpStatus: number): number {
  switch (httpStatus) {
    case 400: return INTERNAL;
    case 401: return UNAUTHENTICATED;
    case 403: return PERMISSION_DENIED;
    case 404: return UNIMPLEMENTED;
    case 429: case 502: case 503: case 504: return UNAVAILABLE;
    default: return UNKNOWN;
  }
}

/** grpc-message is percent-encoded: bytes outside printable ASCII, and '%' itself (gRPC over HTTP/2, Responses). */
export function encodeGrpcMessage(message: string): string {
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * Writes the Trailers-Only answer for a refusal the gateway would have sent as `httpStatus`;
 * `headers`: the flag and the like; `requestType`: the call's content-type; `grpcStatus`: the
 * status to send, when not the one `httpStatus` maps to.
 */
export function sendGrpcLocalReply(res: ServerResponse, httpStatus: number, message: string, headers: OutgoingHttpHeaders, requestType: string | undefined, grpcStatus = grpcStatusFor(httpStatus)): void {
  res.writeHead(200, {
    ...headers,
    "content-type": replyContentType(requestType),
    "grpc-status": String(grpcStatus),
    "grpc-message": encodeGrpcMessage(message),
  });
  res.end();
}
