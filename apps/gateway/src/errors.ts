import { TLS_HANDSHAKE_FAILED } from "./upstream/tls-handshake-error.ts";

/**
 * Every response the gateway makes itself (instead of relaying an upstream's), with a stable
 * code, status and response flag (Envoy/Istio flags, used in logs, metrics and the
 * `x-switchyard-flag` header). Match on `code`, never on message text.
 */
export const GatewayErrors = {
  NO_ROUTE: { code: "SY_ERR_NO_ROUTE", status: 404, flag: "NR", message: "No route matches this request" },
  INVALID_PATH: { code: "SY_ERR_INVALID_PATH", status: 400, flag: "DPE", message: "The request path is not valid" },
  NO_HEALTHY_UPSTREAM: { code: "SY_ERR_NO_HEALTHY_UPSTREAM", status: 503, flag: "UH", message: "No upstream target is available for this route" },
  UPSTREAM_CONNECT_FAILURE: { code: "SY_ERR_UPSTREAM_CONNECT_FAILURE", status: 503, flag: "UF", message: "Could not connect to the upstream service" },
  UPSTREAM_TIMEOUT: { code: "SY_ERR_UPSTREAM_TIMEOUT", status: 504, flag: "UT", message: "The upstream service did not answer in time" },
  // The call's own deadline (grpc-timeout) passed first: Envoy's "upstream max stream duration reached".
  CALL_DEADLINE_EXCEEDED: { code: "SY_ERR_DEADLINE_EXCEEDED", status: 408, flag: "UMSDR", message: "The call's deadline (grpc-timeout) passed before the upstream answered", grpcStatus: 4 },
  UPSTREAM_RESET: { code: "SY_ERR_UPSTREAM_RESET", status: 503, flag: "UC", message: "The upstream connection closed before a response" },
  UPSTREAM_OVERFLOW: { code: "SY_ERR_UPSTREAM_OVERFLOW", status: 503, flag: "UO", message: "The upstream service is at its connection or request limit" },
  RETRIES_EXHAUSTED: { code: "SY_ERR_RETRIES_EXHAUSTED", status: 503, flag: "URX", message: "The upstream service failed on every try" },
  RETRIES_EXHAUSTED_TIMEOUT: { code: "SY_ERR_RETRIES_EXHAUSTED_TIMEOUT", status: 504, flag: "URX", message: "The upstream service timed out on every try" },
  UNAUTHORIZED: { code: "SY_ERR_UNAUTHORIZED", status: 401, flag: "UAEX", message: "No valid credentials were presented" },
  FORBIDDEN: { code: "SY_ERR_FORBIDDEN", status: 403, flag: "UAEX", message: "You cannot consume this service" },
  IP_DENIED: { code: "SY_ERR_IP_DENIED", status: 403, flag: "RBAC", message: "Your IP address is not allowed" },
  RATE_LIMITED: { code: "SY_ERR_RATE_LIMITED", status: 429, flag: "RL", message: "API rate limit exceeded" },
  RATE_LIMIT_STORE_UNAVAILABLE: { code: "SY_ERR_RATE_LIMIT_STORE_UNAVAILABLE", status: 503, flag: "RLSE", message: "The rate-limit store is unavailable" },
  PAYLOAD_TOO_LARGE: { code: "SY_ERR_PAYLOAD_TOO_LARGE", status: 413, flag: "PTL", message: "Request size limit exceeded" },
  LENGTH_REQUIRED: { code: "SY_ERR_LENGTH_REQUIRED", status: 411, flag: "PTL", message: "A Content-Length header is required" },
  TERMINATED: { code: "SY_ERR_TERMINATED", status: 503, flag: "TERM", message: "The service is not available" },
  // A rule's fault injection answered instead of the upstream (its status is the rule's): Envoy's "FI".
  FAULT_ABORT: { code: "SY_ERR_FAULT_INJECTED", status: 503, flag: "FI", message: "Fault injected: the request was aborted" },
} as const;

export type GatewayErrorKey = keyof typeof GatewayErrors;
/** `grpcStatus`: what a gRPC call is told, when the gRPC spec's mapping of `status` would not say it. */
export interface GatewayError {
  readonly code: string;
  readonly status: number;
  readonly flag: ResponseFlag;
  readonly message: string;
  readonly grpcStatus?: number;
}

/** Flags counted in metrics; "" is a response relayed from upstream, DC a client that left first. */
export const RESPONSE_FLAGS = ["", "NR", "DPE", "UH", "UF", "UT", "UC", "DC", "UO", "URX", "UAEX", "RBAC", "RL", "RLSE", "PTL", "TERM", "UMSDR", "FI"] as const;
export type ResponseFlag = (typeof RESPONSE_FLAGS)[number];

export function flagIndex(flag: ResponseFlag): number {
  return RESPONSE_FLAGS.indexOf(flag);
}

/** Precomputed JSON bodies, so an error response costs no serialization. */
const bodies = new Map<string, Buffer>();
export function errorBody(error: GatewayError, message: string = error.message): Buffer {
  if (message === error.message) {
    let body = bodies.get(error.code);
    if (!body) {
      body = Buffer.from(JSON.stringify({ error: { code: error.code, message } }));
      bodies.set(error.code, body);
    }
    return body;
  }
  return Buffer.from(JSON.stringify({ error: { code: error.code, message } }));
}

const CONNECT_FAILURES = new Set([
  "ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * A failed TLS handshake is a connect failure (Envoy's UF): certificate verification (OpenSSL's
 * X509 codes, Node's ERR_TLS_CERT_ALTNAME_INVALID), the protocol itself (ERR_SSL_*), or anything
 * the upstream clients saw end a connection before its handshake completed (TlsHandshakeError).
 */
const TLS_HANDSHAKE_FAILURES = new Set([
  "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE", "CERT_REVOKED", "CERT_UNTRUSTED", "CERT_REJECTED", "CERT_CHAIN_TOO_LONG",
  "INVALID_CA", "INVALID_PURPOSE", "PATH_LENGTH_EXCEEDED", "HOSTNAME_MISMATCH", "ERR_TLS_CERT_ALTNAME_INVALID", "ERR_TLS_HANDSHAKE_TIMEOUT", TLS_HANDSHAKE_FAILED,
]);

function isConnectFailure(code: string): boolean {
  return CONNECT_FAILURES.has(code) || TLS_HANDSHAKE_FAILURES.has(code) || code.startsWith("ERR_SSL_");
}

/** Maps an undici/socket error that happened before response headers to a gateway error. */
export function classifyUpstreamError(error: unknown, timedOut: boolean): GatewayError {
  if (timedOut) return GatewayErrors.UPSTREAM_TIMEOUT;
  const code = (error as { code?: string } | null)?.code;
  if (code === "UND_ERR_HEADERS_TIMEOUT") return GatewayErrors.UPSTREAM_TIMEOUT;
  if (code && isConnectFailure(code)) return GatewayErrors.UPSTREAM_CONNECT_FAILURE;
  const cause = (error as { cause?: { code?: string } } | null)?.cause?.code;
  if (cause && isConnectFailure(cause)) return GatewayErrors.UPSTREAM_CONNECT_FAILURE;
  return GatewayErrors.UPSTREAM_RESET;
}
