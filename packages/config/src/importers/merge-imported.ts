import type { GatewayConfig, GatewayConfigInput } from "../gateway-config.ts";
import type { ImportedConfig } from "./import-types.ts";

/**
 * Lays an import from another format over the running config: services and routes are replaced
 * by name, everything else is kept. A service the source gives no endpoints for keeps the
 * running config's targets (an Istio VirtualService rarely lists them; the mesh knows them).
 */
export function mergeImported(imported: ImportedConfig, base: GatewayConfig | null): GatewayConfigInput {
  const baseServices = new Map((base?.services ?? []).map((s) => [s.name, s]));
  const services = (imported.config.services ?? []).map((s) => {
    const existing = baseServices.get(s.name);
    if (!existing || !imported.servicesWithoutTargets.includes(s.name)) return s;
    return { ...s, targets: existing.targets, subsets: s.subsets?.length ? s.subsets : existing.subsets, trafficPolicy: s.trafficPolicy ?? existing.trafficPolicy };
  });
  const importedServiceNames = new Set(services.map((s) => s.name));
  const importedRouteNames = new Set((imported.config.routes ?? []).map((r) => r.name));
  const baseExtras = base ? (({ services: _s, routes: _r, ...rest }) => rest)(base) : {};
  return {
    ...baseExtras,
    ...(({ services: _s, routes: _r, ...rest }) => rest)(imported.config),
    services: [...(base?.services ?? []).filter((s) => !importedServiceNames.has(s.name)), ...services],
    routes: [...(base?.routes ?? []).filter((r) => !importedRouteNames.has(r.name)), ...(imported.config.routes ?? [])],
  };
}
