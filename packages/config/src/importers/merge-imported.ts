import type { GatewayConfig, GatewayConfigInput } from "../gateway-config.ts";
import type { ImportedConfig } from "./import-types.ts";

/**
 * Lays an import from another format over the running config: services, routes, policies,
 * certificates and consumers are replaced by name, imported settings fields replace the running
 * ones, everything else is kept. A service the source gives no endpoints for keeps the running
 * config's targets (an Istio VirtualService rarely lists them; the mesh knows them).
 */
export function mergeImported(imported: ImportedConfig, base: GatewayConfig | null): GatewayConfigInput {
  const baseServices = new Map((base?.services ?? []).map((s) => [s.name, s]));
  const services = (imported.config.services ?? []).map((s) => {
    const existing = baseServices.get(s.name);
    if (!existing || !imported.servicesWithoutTargets.includes(s.name)) return s;
    return { ...s, targets: existing.targets, subsets: s.subsets?.length ? s.subsets : existing.subsets, trafficPolicy: s.trafficPolicy ?? existing.trafficPolicy };
  });

  const baseExtras = base ? (({ services: _s, routes: _r, ...rest }) => rest)(base) : {};
  return {
    ...baseExtras,
    ...(({ services: _s, routes: _r, ...rest }) => rest)(imported.config),
    services: replaceByName(base?.services ?? [], services, (s) => s.name),
    routes: replaceByName(base?.routes ?? [], imported.config.routes ?? [], (r) => r.name),
    // Imported policies (Kong plugins, Istio corsPolicy) join the running ones by name instead of replacing them all.
    ...(imported.config.policies ? { policies: replaceByName(base?.policies ?? [], imported.config.policies, (p) => p.name) } : {}),
    ...(imported.config.certificates ? { certificates: replaceByName(base?.certificates ?? [], imported.config.certificates, (c) => c.name) } : {}),
    // Consumers too, by username: a Kong file's consumers join the ones already running (the
    // developer portal's among them) instead of replacing them all.
    ...(imported.config.consumers ? { consumers: replaceByName(base?.consumers ?? [], imported.config.consumers, (c) => c.username) } : {}),
    // Settings are merged field by field (tracing from Kong's opentelemetry plugin, an Istio
    // Gateway's httpsRedirect) so the running trusted proxies stay.
    ...(imported.config.settings ? { settings: { ...base?.settings, ...imported.config.settings } } : {}),
  };
}

/** Entries of `incoming` take the place of same-named ones in `existing` (order kept); new ones go last. */
function replaceByName<A, B>(existing: readonly A[], incoming: readonly B[], nameOf: (x: A | B) => string): (A | B)[] {
  const byName = new Map(incoming.map((x) => [nameOf(x), x]));
  const out: (A | B)[] = existing.map((x) => {
    const replacement = byName.get(nameOf(x));
    if (replacement === undefined) return x;
    byName.delete(nameOf(x));
    return replacement;
  });
  return [...out, ...byName.values()];
}
