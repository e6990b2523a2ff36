import { stringify } from "yaml";
import { GatewayConfigSchema, type GatewayConfig } from "./gateway-config.ts";
import { importConfigDocuments, mergeImported, type ConfigFormat, type ImportFileReader } from "./importers/index.ts";
import { toFieldErrors, type FieldError } from "./issues.ts";

export type ParseResult =
  | { ok: true; config: GatewayConfig; format: ConfigFormat; warnings: string[] }
  | { ok: false; errors: FieldError[]; format?: ConfigFormat; warnings?: string[] };

/**
 * Parses a config file and validates it with the shared schema. Our own format replaces the
 * whole config; Kong declarative, Kubernetes Ingress/KongPlugin and Istio resources are imported
 * and laid over `base` (the running config) by name, with a warning for everything not carried over.
 * `readFile`: how files an import names (certificate paths) are read, where they can be.
 */
export function parseConfigText(text: string, options: { base?: GatewayConfig | null; readFile?: ImportFileReader } = {}): ParseResult {
  let outcome;
  try {
    outcome = importConfigDocuments(text, { readFile: options.readFile });
  } catch (e) {
    return { ok: false, errors: [{ path: "", message: `YAML: ${(e as Error).message}` }] };
  }
  if (!outcome.ok) return { ok: false, errors: [{ path: "", message: outcome.error }] };
  const { imported } = outcome;
  const raw = imported ? mergeImported(imported, options.base ?? null) : outcome.ownFormat;
  const format: ConfigFormat = imported?.format ?? "switchyard";
  const warnings = imported?.warnings ?? [];
  const result = GatewayConfigSchema.safeParse(raw ?? {});
  if (result.success) return { ok: true, config: result.data, format, warnings };
  const errors = toFieldErrors(result.error).map((e) => {
    const service = imported && /^services\.(\d+)\.targets$/.exec(e.path);
    if (!service) return e;
    const name = (raw as { services: { name: string }[] }).services[Number(service[1])]?.name;
    return { ...e, message: `${e.message}: the input names service "${name}" but gives no endpoints (add a ServiceEntry with endpoints, or apply it onto a config that has this service)` };
  });
  return { ok: false, errors, format, warnings };
}

const KEY_ORDER = ["services", "routes", "name", "description", "hosts", "path", "type", "value", "methods", "stripPath", "priority", "match", "rules", "service", "subset", "weight", "host", "port", "labels", "targets", "subsets"];

/** YAML with the keys people look for first (name, hosts, path…) at the top of each object. */
export function configToYaml(config: GatewayConfig): string {
  return stringify(config, {
    sortMapEntries: (a, b) => {
      const ia = KEY_ORDER.indexOf(String(a.key)), ib = KEY_ORDER.indexOf(String(b.key));
      return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib) || String(a.key).localeCompare(String(b.key));
    },
  });
}
