import type { OutgoingHttpHeaders } from "node:http";
import { isGrpcRequest, sendGrpcLocalReply } from "../grpc-local-reply.ts";
import type { PolicyRequest } from "./policy-request.ts";

const FLAG_HEADER = "x-switchyard-flag";

export interface PolicyError {
  readonly code: string;
  readonly status: number;
  readonly flag: string;
  readonly message: string;
}

const bodies = new Map<string, Buffer>();

/** JSON error bodies, cached per code and message (messages come from config, never from the request). */
export function policyErrorBody(code: string, message: string): Buffer {
  const key = `${code}\u0000${message}`;
  let body = bodies.get(key);
  if (body === undefined) {
    body = Buffer.from(JSON.stringify({ error: { code, message } }));
    if (bodies.size < 1_000) bodies.set(key, body);
  }
  return body;
}

/** Answers the request from the gateway with the policy's error, extra headers and the response flag. */
export function sendPolicyError(pr: PolicyRequest, error: PolicyError, extra: string[] | null = null, message = error.message): void {
  pr.counted(error.status, error.flag);
  const res = pr.res;
  if (res.headersSent || res.destroyed) return;
  // A gRPC call gets its error as a gRPC status, with the same headers and no body.
  const body = isGrpcRequest(pr.req.headers) ? null : policyErrorBody(error.code, message);
  const headers: OutgoingHttpHeaders = body === null
    ? { [FLAG_HEADER]: error.flag }
    : { "content-type": "application/json", "content-length": body.length, [FLAG_HEADER]: error.flag };
  appendPairs(headers, pr.responseHeaders);
  appendPairs(headers, extra);
  if (body === null) return sendGrpcLocalReply(res, error.status, message, headers, pr.req.headers["content-type"]);
  res.writeHead(error.status, headers);
  res.end(pr.req.method === "HEAD" ? undefined : body);
}

export function appendPairs(headers: OutgoingHttpHeaders, pairs: string[] | null): void {
  if (pairs === null) return;
  for (let i = 0; i < pairs.length; i += 2) headers[pairs[i]!] = pairs[i + 1]!;
}
