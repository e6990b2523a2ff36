import { createPrivateKey, X509Certificate } from "node:crypto";
import type { Certificate } from "@switchyard/config";
import { CompileErrorCode, ConfigCompileError } from "./compile-error.ts";

/**
 * Parses every certificate and key and checks that each key belongs to its certificate, so a
 * certificate the HTTPS listener could not load is refused as a field error (control-plane dry
 * run, `switchyard validate`, the gateway's own check) and never replaces the running config.
 */
export function checkCertificates(certificates: readonly Certificate[]): void {
  certificates.forEach((c, i) => {
    const at = `certificates.${i}`;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(c.cert);
    } catch (e) {
      throw new ConfigCompileError(CompileErrorCode.InvalidCertificate, `${at}.cert`, `The certificate does not parse: ${(e as Error).message}`);
    }
    let key;
    try {
      key = createPrivateKey(c.key);
    } catch (e) {
      throw new ConfigCompileError(CompileErrorCode.InvalidCertificate, `${at}.key`, `The private key does not parse: ${(e as Error).message}`);
    }
    if (!cert.checkPrivateKey(key)) {
      throw new ConfigCompileError(CompileErrorCode.InvalidCertificate, `${at}.key`, `The private key does not belong to the certificate (${cert.subject.replace(/\n/g, ", ")})`);
    }
  });
}
