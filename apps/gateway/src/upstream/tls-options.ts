import { isIP } from "node:net";
import { createSecureContext, type ConnectionOptions, type PeerCertificate, type SecureContext } from "node:tls";
import type { CompiledUpstreamTls } from "@switchyard/routing";

/** What every TLS connection to one target is opened with; built when a pool is made, never per request. */
export type UpstreamTlsOptions = Readonly<ConnectionOptions>;

/** One secure context per CA bundle and client certificate, so the PEM is parsed once, not at each handshake. */
const contexts = new WeakMap<CompiledUpstreamTls, SecureContext>();
const optionsByHost = new WeakMap<CompiledUpstreamTls, Map<string, UpstreamTlsOptions>>();

/**
 * TLS options for connecting to `host` under `tls` (Istio trafficPolicy.tls SIMPLE, or MUTUAL
 * with the client certificate in the secure context): SNI is the
 * configured name, else the host unless it is an IP literal (which SNI can't carry); the
 * certificate is checked against the given CAs (else Node's) and against subjectAltNames when
 * set, else against the server name.
 */
export function upstreamTlsOptions(tls: CompiledUpstreamTls, host: string): UpstreamTlsOptions {
  let byHost = optionsByHost.get(tls);
  if (byHost === undefined) { byHost = new Map(); optionsByHost.set(tls, byHost); }
  const known = byHost.get(host);
  if (known !== undefined) return known;
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  const servername = tls.sni ?? (isIP(bare) === 0 ? bare : undefined);
  let secureContext: SecureContext | undefined;
  const client = tls.clientCertificate;
  if (tls.ca !== null || client !== null) {
    secureContext = contexts.get(tls);
    if (secureContext === undefined) {
      // Without a CA bundle of its own the context keeps Node's bundled CAs.
      secureContext = createSecureContext({ ...(tls.ca !== null ? { ca: tls.ca } : {}), ...(client !== null ? { cert: client.cert, key: client.key } : {}) });
      contexts.set(tls, secureContext);
    }
  }
  const options: UpstreamTlsOptions = Object.freeze({
    ...(servername !== undefined ? { servername } : {}),
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(secureContext !== undefined ? { secureContext } : {}),
    ...(tls.subjectAltNames !== null ? { checkServerIdentity: matchSubjectAltNames(tls.subjectAltNames) } : {}),
  });
  byHost.set(host, options);
  return options;
}

/** The https: origin of a target known by its http: origin (targets carry no scheme of their own). */
export function tlsOrigin(origin: string): string {
  return `https://${origin.slice("http://".length)}`;
}

/** Accepts a certificate that names one of `wanted` among its DNS, IP or URI alt names (Envoy's match_subject_alt_names, exact). */
function matchSubjectAltNames(wanted: readonly string[]): (host: string, cert: PeerCertificate) => Error | undefined {
  const set = new Set(wanted);
  return (_host, cert) => {
    const names = (cert.subjectaltname ?? "").split(/,\s*/).map((entry) => entry.slice(entry.indexOf(":") + 1));
    if (names.some((n) => set.has(n))) return undefined;
    const err = new Error(`The upstream certificate names none of the subjectAltNames (${wanted.join(", ")}); it has ${cert.subjectaltname || "none"}`);
    (err as Error & { code: string }).code = "ERR_TLS_CERT_ALTNAME_INVALID";
    return err;
  };
}
