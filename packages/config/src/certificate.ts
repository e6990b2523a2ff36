import { z } from "zod";
import { HostPatternSchema, NameSchema } from "./names.ts";
import { REDACTED_SECRET } from "./secret-fields.ts";

/** One PEM certificate block somewhere in the text (a shape check; parsing is node:crypto's). */
export const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const PEM_KEY = /-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (RSA |EC )?PRIVATE KEY-----/;

/** A PEM certificate (the leaf first, then any intermediates); that it parses is checked at compile time. */
export const CertificatePemSchema = z.string().max(65_536).regex(PEM_CERT, "A PEM certificate (-----BEGIN CERTIFICATE-----)");

/**
 * A PEM private key, unencrypted (PKCS#8, PKCS#1 RSA or SEC1 EC). One message per key: the most
 * specific reason it can't be used. A redacted key is refused by the config's secret check
 * (secret-fields.ts), which names what to give.
 */
export const PrivateKeyPemSchema = z
  .string()
  .max(65_536)
  .superRefine((k, ctx) => {
    if (k.trim() === REDACTED_SECRET) return;
    if (k.includes("ENCRYPTED PRIVATE KEY")) {
      ctx.addIssue({ code: "custom", message: "Encrypted private keys are not supported; give the key without a passphrase" });
    } else if (!PEM_KEY.test(k)) {
      ctx.addIssue({ code: "custom", message: "A PEM private key (-----BEGIN PRIVATE KEY-----)" });
    }
  });

/**
 * A server certificate for the HTTPS listener (Kong certificates + snis, Istio Gateway
 * servers[].tls). `hosts` are the SNI names it answers: exact names or "*.example.com" (one
 * label). The shape is checked here; that the PEM parses and the key belongs to the certificate
 * is checked when the config compiles (node:crypto), so this schema stays usable in a browser.
 */
export const CertificateSchema = z.strictObject({
  name: NameSchema,
  hosts: z.array(HostPatternSchema).default([]),
  /** PEM: the leaf certificate first, then any intermediates. */
  cert: CertificatePemSchema,
  /** PEM private key, unencrypted (PKCS#8, PKCS#1 RSA or SEC1 EC). */
  key: PrivateKeyPemSchema,
});
export type Certificate = z.infer<typeof CertificateSchema>;
export type CertificateInput = z.input<typeof CertificateSchema>;

/** Status codes of an HTTP→HTTPS redirect: Kong's https_redirect_status_code (426 answers without a Location). */
export const HttpsRedirectStatusSchema = z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308), z.literal(426)]);

/**
 * Requests that arrive over plain HTTP are sent to HTTPS (Istio Gateway `tls.httpsRedirect`,
 * Kong route `protocols: [https]` + `https_redirect_status_code`). Requests over the HTTPS
 * listener, and requests a trusted proxy reports as `X-Forwarded-Proto: https`, are served.
 */
export const HttpsRedirectSchema = z.strictObject({
  /** 301 (Istio's); Kong's default is 426 (Upgrade Required, no Location). */
  status: HttpsRedirectStatusSchema.default(301),
  /** Port named in the Location; default: the gateway's HTTPS port (left out when it is 443 or off). */
  port: z.number().int().min(1).max(65535).optional(),
});
export type HttpsRedirect = z.infer<typeof HttpsRedirectSchema>;

/** Gateway-wide redirect (Istio Gateway server): for the listed hosts, or every host when empty. */
export const GlobalHttpsRedirectSchema = HttpsRedirectSchema.extend({
  hosts: z.array(HostPatternSchema).default([]),
});
export type GlobalHttpsRedirect = z.infer<typeof GlobalHttpsRedirectSchema>;

/** Field issues for SNI names claimed by two certificates (which one would answer is ambiguous). */
export function checkCertificateHosts(certificates: readonly Certificate[], ctx: z.RefinementCtx): void {
  const owner = new Map<string, string>();
  const names = new Set<string>();
  certificates.forEach((cert, i) => {
    if (names.has(cert.name)) ctx.addIssue({ code: "custom", path: ["certificates", i, "name"], message: `Duplicate certificate name "${cert.name}"` });
    names.add(cert.name);
    cert.hosts.forEach((host, j) => {
      const other = owner.get(host);
      if (other !== undefined) {
        ctx.addIssue({ code: "custom", path: ["certificates", i, "hosts", j], message: `Host "${host}" is already served by certificate "${other}"` });
      } else owner.set(host, cert.name);
    });
  });
}
