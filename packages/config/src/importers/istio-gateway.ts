import type { GlobalHttpsRedirect } from "../certificate.ts";
import { asArray, asString, isObject, warnUnknown, type Doc } from "./import-types.ts";

type HttpsRedirectInput = Partial<GlobalHttpsRedirect>;

/**
 * Istio Gateway → settings.httpsRedirect: the hosts of every server with `tls.httpsRedirect:
 * true` (Envoy answers 301). Server certificates live in Kubernetes secrets (`credentialName`),
 * which a YAML file does not carry: they are named in a warning, to be added under `certificates`.
 */
export function importIstioGateways(docs: Doc[], warnings: string[]): HttpsRedirectInput | null {
  const hosts = new Set<string>();
  let everyHost = false;
  for (const doc of docs) {
    const spec = isObject(doc.spec) ? doc.spec : {};
    const where = `Gateway ${(isObject(doc.metadata) && asString(doc.metadata.name)) || "unnamed"}`;
    warnUnknown(spec, ["servers", "selector"], where, warnings);
    asArray(spec.servers).filter(isObject).forEach((server, i) => {
      const sw = `${where} servers[${i}]`;
      warnUnknown(server, ["port", "hosts", "tls", "name", "bind", "defaultEndpoint"], sw, warnings);
      const tls = isObject(server.tls) ? server.tls : null;
      if (tls === null) return;
      if (asString(tls.credentialName) || asString(tls.serverCertificate)) {
        warnings.push(`${sw}: its certificate (${asString(tls.credentialName) ?? asString(tls.serverCertificate)}) is not in the file; add it under "certificates" with its hosts`);
      }
      const mode = asString(tls.mode);
      if (mode !== undefined && mode !== "SIMPLE") warnings.push(`${sw}: tls.mode ${mode} is not supported (the HTTPS listener terminates TLS, as SIMPLE)`);
      if (tls.httpsRedirect !== true) return;
      for (const raw of asArray(server.hosts).map(asString)) {
        if (!raw) continue;
        // "namespace/host": the namespace selects VirtualServices, which have no meaning here.
        const host = raw.includes("/") ? raw.slice(raw.indexOf("/") + 1) : raw;
        if (host === "*") everyHost = true;
        else hosts.add(host.toLowerCase());
      }
    });
  }
  if (!everyHost && hosts.size === 0) return null;
  return { status: 301, hosts: everyHost ? [] : [...hosts] };
}
