import { createPrivateKey, X509Certificate } from "node:crypto";
import type { Certificate } from "@switchyard/config";
import { CompileErrorCode, ConfigCompileError } from "./compile-error.ts";

/**
 * Parses every certificate and key and checks that each key belongs to its certificate, so a
 * certificate the HTTPS listener could not load is refused as a field error (control-plane dry
 * run, `switchyard validate`, the gateway's own check) and never replaces the running config.
 */
export function checkCertificates(certificates: readonly Certificate[]): void {
  certificates.forEach((c, i) => checkKeyPair(c.cert, c.key, `certificates.${i}.cert`, `certificates.${i}.key`));
}

/** The certificate and the key parse, and the key belongs to the certificate; else a field error at the one that fails. */
export function checkKeyPair(certPem: string, keyPem: string, certAt: string, keyAt: string): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (e) {
    throw new ConfigCompileError(CompileErrorCode.InvalidCertificate, certAt, `The certificate does not parse: ${(e as Error).message}`);
  }
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (e) {
    throw new ConfigCompileError(CompileErrorCode.InvalidCertificate, keyAt, `The private key does not parse: ${(e as Error).message}`);
  }
  if (!cert.checkPrivateKey(key)) {
    throw new ConfigCompileError(CompileErrorCode.InvalidCertificate, keyAt, `The private key does not belong to the certificate (${cert.subject.replace(/\n/g, ", ")})`);
  }
}
