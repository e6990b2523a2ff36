import { X509Certificate } from "node:crypto";
import type { Certificate } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { getCurrentConfig } from "../config-router/get-current-config.ts";

/**
 * A certificate as the console lists it: what the PEM says about itself, parsed on the server.
 * The private key never leaves the server through this view, whatever the caller's role.
 */
export interface CertificateView {
  name: string;
  hosts: string[];
  /** The leaf certificate's subject, e.g. "CN=api.example.com". */
  subject: string | null;
  /** subjectAltName entries, e.g. ["DNS:api.example.com"]. */
  subjectAltNames: string[];
  issuer: string | null;
  notBefore: string | null;
  notAfter: string | null;
  /** SHA-256 fingerprint of the leaf, colon-separated hex. */
  fingerprint256: string | null;
  /** Certificates in the chain (leaf plus intermediates). */
  chainLength: number;
  selfSigned: boolean;
  /** The leaf's PEM, for re-editing (public; the key is not included). */
  cert: string;
  /** Set when the stored PEM does not parse (only possible for configs stored before the check). */
  parseError: string | null;
}

const oneLine = (dn: string) => dn.split("\n").filter(Boolean).join(", ");

export function toCertificateView(c: Certificate): CertificateView {
  const base = { name: c.name, hosts: c.hosts, cert: c.cert, chainLength: (c.cert.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length };
  try {
    const x = new X509Certificate(c.cert);
    return {
      ...base,
      subject: oneLine(x.subject),
      subjectAltNames: x.subjectAltName ? x.subjectAltName.split(/,\s*/) : [],
      issuer: oneLine(x.issuer),
      notBefore: new Date(x.validFrom).toISOString(),
      notAfter: new Date(x.validTo).toISOString(),
      fingerprint256: x.fingerprint256,
      selfSigned: x.subject === x.issuer,
      parseError: null,
    };
  } catch (e) {
    return { ...base, subject: null, subjectAltNames: [], issuer: null, notBefore: null, notAfter: null, fingerprint256: null, selfSigned: false, parseError: (e as Error).message };
  }
}

/** Certificates of the running config, filtered by a search over name, hosts, subject and SANs. */
export async function listCertificates(options: { db: Db; search?: string | undefined }): Promise<CertificateView[]> {
  const all = (await getCurrentConfig(options))?.config.certificates ?? [];
  const q = options.search?.trim().toLowerCase() ?? "";
  return all
    .map(toCertificateView)
    .filter((v) => q === "" || [v.name, ...v.hosts, v.subject ?? "", ...v.subjectAltNames].some((s) => s.toLowerCase().includes(q)));
}
