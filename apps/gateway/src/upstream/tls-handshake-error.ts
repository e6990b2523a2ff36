/** Code of an error that ended a TLS connection to an upstream before its handshake completed. */
export const TLS_HANDSHAKE_FAILED = "SY_ERR_TLS_HANDSHAKE";

/**
 * Whatever ends a TLS connection before the handshake completes is a connect failure (503 UF,
 * retried under connect-failure). Node reports some such ends with codes that alone would read as
 * a reset: a plain-text server answering the ClientHello surfaces as EPROTO from a write.
 */
export class TlsHandshakeError extends Error {
  readonly code = TLS_HANDSHAKE_FAILED;

  constructor(cause: Error | null) {
    const code = (cause as { code?: unknown } | null)?.code;
    super(`TLS connection to the upstream not established${typeof code === "string" ? ` (${code})` : ""}: ${cause?.message ?? "connection closed"}`, { cause });
  }
}
