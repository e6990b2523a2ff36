import type { Doc } from "./import-types.ts";
import { asString } from "./import-types.ts";

export interface KongPluginScope { service?: string; route?: string; consumer?: string }

/**
 * Kong plugins and consumers → our policies and consumers. Until the policy model lands every
 * plugin is reported as a warning, so nothing disappears silently.
 */
export function importKongPlugins(plugins: { plugin: Doc; scope: KongPluginScope }[], consumers: Doc[], warnings: string[]): Record<string, never> {
  for (const { plugin, scope } of plugins) {
    const where = scope.route ? `route ${scope.route}` : scope.service ? `service ${scope.service}` : "global";
    warnings.push(`plugin ${asString(plugin.name) ?? "?"} (${where}) is not imported yet`);
  }
  if (consumers.length) warnings.push(`${consumers.length} consumer(s) not imported yet`);
  return {};
}
