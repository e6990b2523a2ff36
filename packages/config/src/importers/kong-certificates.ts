import type { CertificateInput } from "../certificate.ts";
import { asArray, asString, isObject, toName, warnUnknown, type Doc } from "./import-types.ts";

/**
 * Kong `certificates` (cert, key, nested `snis`) plus top-level `snis` that point at a
 * certificate by id → our certificates with their SNI hosts. Kong's own default certificate is
 * not part of a declarative file; ours is the first certificate listed. `clientOnly`: ids of
 * certificates that services present to upstreams; without SNIs of their own they are not
 * offered by the HTTPS listener.
 */
export function importKongCertificates(doc: Doc, warnings: string[], clientOnly: ReadonlySet<string> = new Set()): CertificateInput[] {
  const out: CertificateInput[] = [];
  const byId = new Map<string, CertificateInput>();
  const ids = new Map<CertificateInput, string>();
  const names = new Set<string>();
  asArray(doc.certificates).filter(isObject).forEach((c, i) => {
    const where = `certificate ${asString(c.id) ?? i}`;
    warnUnknown(c, ["id", "cert", "key", "snis", "tags", "cert_alt", "key_alt"], where, warnings);
    if (c.cert_alt !== undefined || c.key_alt !== undefined) warnings.push(`${where}: the alternate (cert_alt/key_alt) certificate is not imported`);
    const cert = asString(c.cert), key = asString(c.key);
    if (!cert || !key) { warnings.push(`${where}: no cert or key; skipped`); return; }
    const hosts = asArray(c.snis).map((s) => (isObject(s) ? asString(s.name) : asString(s))).filter((h): h is string => !!h);
    const tag = asArray(c.tags).map(asString).find((t) => t !== undefined);
    let name = toName(asString(c.id) ?? tag ?? (hosts[0] ? `cert-${hosts[0].replace(/^\*\./, "wildcard.")}` : `certificate-${i}`));
    if (names.has(name)) name = toName(`${name.slice(0, 58)}-${i}`);
    names.add(name);
    const entry: CertificateInput = { name, hosts, cert, key };
    out.push(entry);
    if (asString(c.id)) { byId.set(asString(c.id)!, entry); ids.set(entry, asString(c.id)!); }
  });
  for (const s of asArray(doc.snis).filter(isObject)) {
    const ref = isObject(s.certificate) ? asString(s.certificate.id) : asString(s.certificate);
    const host = asString(s.name);
    const cert = ref === undefined ? undefined : byId.get(ref);
    if (!host || !cert) { warnings.push(`sni ${host ?? "?"}: its certificate ${ref ?? "?"} is not in the file; skipped`); continue; }
    (cert.hosts ??= []).push(host);
  }
  return out.filter((c) => !(clientOnly.has(ids.get(c) ?? "") && (c.hosts ?? []).length === 0));
}
