import { createHash, X509Certificate } from "node:crypto";
import { PEM_CERT, type Service, type UpstreamTls } from "@switchyard/config";
import { CompileErrorCode, ConfigCompileError } from "./compile-error.ts";
import type { CompiledUpstreamTls } from "./compiled-types.ts";
import { checkKeyPair } from "./tls-certificates.ts";

/** Every certificate block of a bundle: the schema's shape check, applied to all of them. */
const PEM_CERTIFICATES = new RegExp(PEM_CERT.source, "g");

/** A destination's `tls`, resolved once per cluster; null when the targets are spoken to in plain text. */
export function resolveUpstreamTls(tls: UpstreamTls | undefined): CompiledUpstreamTls | null {
  if (tls === undefined || tls.mode === "DISABLE") return null;
  const ca = tls.caCertificates ?? null;
  const sans = tls.subjectAltNames ?? null;
  const client = tls.mode === "MUTUAL" && tls.clientCertificate !== undefined && tls.privateKey !== undefined
    ? Object.freeze({ cert: tls.clientCertificate, key: tls.privateKey })
    : null;
  const digest = (text: string) => createHash("sha256").update(text).digest("base64url");
  // Pools are shared by key: two clusters may share connections only when they trust alike and
  // present the same client certificate.
  const key = [
    tls.sni ?? "",
    tls.insecureSkipVerify ? "insecure" : "verify",
    ca === null ? "" : digest(ca),
    sans === null ? "" : JSON.stringify(sans),
    client === null ? "" : digest(`${client.cert}\n${client.key}`),
  ].join("|");
  return Object.freeze({
    sni: tls.sni ?? null,
    rejectUnauthorized: !tls.insecureSkipVerify,
    ca,
    subjectAltNames: sans === null ? null : Object.freeze([...sans]),
    clientCertificate: client,
    key,
  });
}

/**
 * Parses every `caCertificates` bundle and client certificate (with its key) of every service
 * and subset, so one the gateway could not load is refused as a field error by the dry run
 * instead of failing every handshake.
 */
export function checkUpstreamTls(services: readonly Service[]): void {
  services.forEach((service, i) => {
    checkTls(service.trafficPolicy?.tls, `services.${i}.trafficPolicy.tls`);
    service.subsets.forEach((subset, j) => checkTls(subset.trafficPolicy?.tls, `services.${i}.subsets.${j}.trafficPolicy.tls`));
  });
}

function checkTls(tls: UpstreamTls | undefined, at: string): void {
  if (tls === undefined) return;
  checkBundle(tls.caCertificates, `${at}.caCertificates`);
  if (tls.clientCertificate !== undefined && tls.privateKey !== undefined) {
    checkKeyPair(tls.clientCertificate, tls.privateKey, `${at}.clientCertificate`, `${at}.privateKey`);
  }
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
