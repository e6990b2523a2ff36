import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificate {
  cert: string;
  key: string;
}

/**
 * A self-signed certificate made with the openssl binary for one test run (EC P-256: fast to
 * make). Its subject CN is `cn`, its SANs the DNS names given, valid for `days` from now. Test
 * use only; nothing is kept.
 */
export function makeTestCertificate(cn: string, dnsNames: readonly string[] = [cn], days = 3650): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), "sy-test-cert-"));
  try {
    const keyFile = join(dir, "key.pem"), certFile = join(dir, "cert.pem");
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-keyout", keyFile, "-out", certFile, "-days", String(days), "-subj", `/CN=${cn}`,
      "-addext", `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(",")}`,
    ], { stdio: "ignore" });
    return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
