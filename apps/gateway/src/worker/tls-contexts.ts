import { createSecureContext, type SecureContext } from "node:tls";
import type { Certificate } from "@switchyard/config";

/** TLS 1.0/1.1 are deprecated (RFC 8996); the HTTPS listener speaks 1.2 and 1.3 only. */
export const MIN_TLS_VERSION = "TLSv1.2";

/** The HTTPS listener's certificates of one config version, ready for SNI lookups. */
export interface TlsContexts {
  /** By exact SNI name (lower case). */
  readonly exact: ReadonlyMap<string, SecureContext>;
  /** By the part after the first label: "*.example.com" is under ".example.com". */
  readonly wildcard: ReadonlyMap<string, SecureContext>;
  /** The first certificate: for clients without SNI or with a name no certificate lists. */
  readonly fallback: SecureContext | null;
  /** The PEMs of `fallback`, for the server's own (no-SNI) context. */
  readonly fallbackPem: { cert: string; key: string } | null;
  /** Contexts by cert+key, so the next config version reuses unchanged ones. */
  readonly byPem: ReadonlyMap<string, SecureContext>;
}

/**
 * Builds the secure contexts once per config version (not per handshake). Contexts of
 * certificates the previous version had already are reused as they are.
 */
export function buildTlsContexts(certificates: readonly Certificate[], previous: TlsContexts | null): TlsContexts {
  const exact = new Map<string, SecureContext>();
  const wildcard = new Map<string, SecureContext>();
  const byPem = new Map<string, SecureContext>();
  let fallback: SecureContext | null = null;
  for (const c of certificates) {
    const pemKey = `${c.cert}\0${c.key}`;
    let context = byPem.get(pemKey) ?? previous?.byPem.get(pemKey);
    if (context === undefined) context = createSecureContext({ cert: c.cert, key: c.key, minVersion: MIN_TLS_VERSION });
    byPem.set(pemKey, context);
    fallback ??= context;
    for (const host of c.hosts) {
      if (host.startsWith("*.")) wildcard.set(host.slice(1), context);
      else exact.set(host, context);
    }
  }
  const first = certificates[0];
  return { exact, wildcard, fallback, fallbackPem: first ? { cert: first.cert, key: first.key } : null, byPem };
}

/**
 * The context for an SNI name: the exact name, then the wildcard one label up, then the default
 * (first) certificate, as Kong serves its default certificate for unknown names. null when the
 * config has no certificate at all (the handshake then fails).
 */
export function pickTlsContext(tls: TlsContexts, servername: string): SecureContext | null {
  const name = servername.toLowerCase();
  const exact = tls.exact.get(name);
  if (exact !== undefined) return exact;
  const dot = name.indexOf(".");
  if (dot > 0) {
    const wild = tls.wildcard.get(name.slice(dot));
    if (wild !== undefined) return wild;
  }
  return tls.fallback;
}
