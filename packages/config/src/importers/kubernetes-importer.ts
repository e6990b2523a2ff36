import type { GatewayConfigInput } from "../gateway-config.ts";
import { asArray, asString, isObject, toName, warnUnknown, type Doc, type ImportedConfig } from "./import-types.ts";
import { importKongPlugins, type KongPluginScope } from "./kong-plugins.ts";

type RouteInput = NonNullable<GatewayConfigInput["routes"]>[number];
type ServiceInput = NonNullable<GatewayConfigInput["services"]>[number];

/**
 * Kubernetes Ingress (networking.k8s.io/v1), with Kong for Kubernetes' annotations
 * `konghq.com/strip-path` and `konghq.com/plugins` naming KongPlugin/KongClusterPlugin documents.
 * Backends become services whose target is the Kubernetes service DNS name and port; a service
 * the running config already has keeps its targets (see mergeImported).
 */
export function importKubernetes(docs: Doc[]): ImportedConfig {
  const warnings: string[] = [];
  const services = new Map<string, ServiceInput>();
  const routes: RouteInput[] = [];
  const kongPlugins = new Map<string, Doc>();
  for (const d of docs.filter((x) => x.kind === "KongPlugin" || x.kind === "KongClusterPlugin")) {
    const name = isObject(d.metadata) ? asString(d.metadata.name) : undefined;
    if (name) kongPlugins.set(name, { name: asString(d.plugin), config: d.config ?? {}, enabled: d.disabled !== true });
  }
  const pluginSources: { plugin: Doc; scope: KongPluginScope }[] = [];

  for (const ing of docs.filter((d) => d.kind === "Ingress")) {
    const meta = isObject(ing.metadata) ? ing.metadata : {};
    const ingName = toName(asString(meta.name) ?? "ingress");
    const namespace = asString(meta.namespace) ?? "default";
    const annotations = isObject(meta.annotations) ? meta.annotations : {};
    const where = `Ingress ${ingName}`;
    const stripPath = String(annotations["konghq.com/strip-path"] ?? "false") === "true";
    const pluginNames = String(annotations["konghq.com/plugins"] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    for (const key of Object.keys(annotations)) {
      if (key.startsWith("konghq.com/") && key !== "konghq.com/strip-path" && key !== "konghq.com/plugins") warnings.push(`${where}: annotation ${key} is not supported`);
    }
    const spec = isObject(ing.spec) ? ing.spec : {};
    warnUnknown(spec, ["rules", "ingressClassName", "tls", "defaultBackend"], where, warnings);
    if (spec.tls) warnings.push(`${where}: tls is not imported yet`);
    let n = 0;
    for (const rule of asArray(spec.rules).filter(isObject)) {
      const host = asString(rule.host);
      const http = isObject(rule.http) ? rule.http : {};
      for (const p of asArray(http.paths).filter(isObject)) {
        const backend = isObject(p.backend) && isObject(p.backend.service) ? p.backend.service : null;
        if (!backend || !asString(backend.name)) { warnings.push(`${where}: a path without a service backend was skipped`); continue; }
        const port = isObject(backend.port) && typeof backend.port.number === "number" ? backend.port.number : 80;
        if (isObject(backend.port) && backend.port.name) warnings.push(`${where}: named service ports are not supported; using ${port}`);
        const serviceName = toName(asString(backend.name)!);
        if (!services.has(serviceName)) services.set(serviceName, { name: serviceName, targets: [{ host: `${asString(backend.name)}.${namespace}.svc`, port }] });
        const pathType = asString(p.pathType) ?? "Prefix";
        const routeName = toName(`${ingName}-${n++}`);
        routes.push({
          name: routeName,
          hosts: host ? [host] : [],
          path: { type: pathType === "Exact" ? "exact" : "prefix", value: asString(p.path) ?? "/" },
          stripPath,
          rules: [{ destinations: [{ service: serviceName, weight: 100 }] }],
        });
        for (const name of pluginNames) {
          const plugin = kongPlugins.get(name);
          if (plugin) pluginSources.push({ plugin, scope: { route: routeName } });
          else warnings.push(`${where}: KongPlugin "${name}" is not in the input`);
        }
      }
    }
  }
  const extras = importKongPlugins(pluginSources, [], warnings);
  return { format: "kubernetes", config: { services: [...services.values()], routes, ...extras }, warnings, servicesWithoutTargets: [...services.keys()] };
}
