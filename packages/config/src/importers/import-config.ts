import { parseAllDocuments } from "yaml";
import { isObject, type Doc, type ImportedConfig, type ImportOptions } from "./import-types.ts";
import { importIstio } from "./istio-importer.ts";
import { importKong } from "./kong-importer.ts";
import { importKubernetes } from "./kubernetes-importer.ts";

export type ImportOutcome = { ok: true; imported: ImportedConfig | null; ownFormat: unknown } | { ok: false; error: string };

/**
 * Reads YAML (one or many documents) or JSON and recognises the format: Kong declarative
 * (`_format_version`), Kubernetes/Kong-for-Kubernetes (Ingress, KongPlugin), Istio
 * (VirtualService, DestinationRule, ServiceEntry), else our own format (`ownFormat`).
 */
export function importConfigDocuments(text: string, options: ImportOptions = {}): ImportOutcome {
  const parsed = parseAllDocuments(text);
  const docs: unknown[] = [];
  for (const d of Array.isArray(parsed) ? parsed : [parsed]) {
    if (d.errors.length) return { ok: false, error: `YAML: ${d.errors[0]!.message}` };
    const value = d.toJS();
    if (value !== null && value !== undefined) docs.push(value);
  }
  // `kind: List` wraps Kubernetes documents.
  const flat: unknown[] = docs.flatMap((d) => (isObject(d) && d.kind === "List" && Array.isArray(d.items) ? d.items : [d]));
  const objects = flat.filter(isObject) as Doc[];
  if (objects.length === 1 && "_format_version" in objects[0]!) return { ok: true, imported: importKong(objects[0]!), ownFormat: null };
  const kinds = new Set(objects.map((d) => d.kind));
  const apiVersions = objects.map((d) => String(d.apiVersion ?? ""));
  if (apiVersions.some((v) => v.startsWith("networking.istio.io/"))) {
    const others = objects.filter((d) => !String(d.apiVersion ?? "").startsWith("networking.istio.io/"));
    const istio = importIstio(objects, options);
    for (const d of others) istio.warnings.push(`${String(d.kind)} ${String((d.metadata as Doc | undefined)?.name ?? "")}: not an Istio resource; ignored`);
    return { ok: true, imported: istio, ownFormat: null };
  }
  if (kinds.has("Ingress") || kinds.has("KongPlugin") || kinds.has("KongClusterPlugin")) return { ok: true, imported: importKubernetes(objects), ownFormat: null };
  if (flat.length > 1) return { ok: false, error: "Several YAML documents, but none is a Kong, Kubernetes or Istio resource" };
  return { ok: true, imported: null, ownFormat: flat[0] ?? {} };
}
