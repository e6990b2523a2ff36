import { createHash, X509Certificate } from "node:crypto";
import { PEM_CERT, type Service, type UpstreamTls } from "@switchyard/config";
import { CompileErrorCode, ConfigCompileError } from "./compile-error.ts";
import type { CompiledUpstreamTls } from "./compiled-types.ts";

/** Every certificate block of a bundle: the schema's shape check, applied to all of them. */
const PEM_CERTIFICATES = new RegExp(PEM_CERT.source, "g");

/** A destination's `tls`, resolved once per cluster; null when the targets are spoken to in plain text. */
export function resolveUpstreamTls(tls: UpstreamTls | undefined): CompiledUpstreamTls | null {
  if (tls === undefined || tls.mode !== "SIMPLE") return null;
  const ca = tls.caCertificates ?? null;
  const sans = tls.subjectAltNames ?? null;
  // Pools are shared by key: two clusters may share connections only when they trust alike.
  const key = [
    tls.sni ?? "",
    tls.insecureSkipVerify ? "insecure" : "verify",
    ca === null ? "" : createHash("sha256").update(ca).digest("base64url"),
    sans === null ? "" : JSON.stringify(sans),
  ].join("|");
  return Object.freeze({
    sni: tls.sni ?? null,
    rejectUnauthorized: !tls.insecureSkipVerify,
    ca,
    subjectAltNames: sans === null ? null : Object.freeze([...sans]),
    key,
  });
}

/**
 * Parses every `caCertificates` bundle of every service and subset, so a CA the gateway could
 * not load is refused as a field error by the dry run instead of failing every handshake.
 */
export function checkUpstreamCaCertificates(services: readonly Service[]): void {
  services.forEach((service, i) => {
    checkBundle(service.trafficPolicy?.tls?.caCertificates, `services.${i}.trafficPolicy.tls.caCertificates`);
    service.subsets.forEach((subset, j) => {
      checkBundle(subset.trafficPolicy?.tls?.caCertificates, `services.${i}.subsets.${j}.trafficPolicy.tls.caCertificates`);
    });
  });
}

function checkBundle(pem: string | undefined, at: string): void {
  if (pem === undefined) return;
  const blocks = pem.match(PEM_CERTIFICATES) ?? [];
  if (blocks.length === 0) throw new ConfigCompileError(CompileErrorCode.InvalidCertificate, at, "No PEM certificate (-----BEGIN CERTIFICATE-----) found");
  blocks.forEach((block, k) => {
    try {
      new X509Certificate(block);
    } catch (e) {
      throw new ConfigCompileError(CompileErrorCode.InvalidCertificate, at, `Certificate ${k + 1} does not parse: ${(e as Error).message}`);
    }
  });
}
