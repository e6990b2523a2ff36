import type { GatewayConfig } from "@switchyard/config";
import { AppError } from "../app-error.ts";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "../config-router/publish-config.ts";

/** Routes that send to (or mirror to) the service, by name. */
export function routesUsingService(config: GatewayConfig, service: string): string[] {
  return config.routes
    .filter((r) => r.rules.some((rule) => rule.destinations.some((d) => d.service === service) || rule.mirror?.service === service))
    .map((r) => r.name);
}

/**
 * Deletes a service. One still in use (by a route, or by a policy attached to it) is refused
 * with a message that names what uses it, instead of a bare reference error.
 */
export function deleteService(options: Publisher & { name: string; message?: string | undefined }): Promise<PublishResult> {
  return publishConfig({
    ...publisherOf(options),
    message: options.message ?? `Delete service ${options.name}`,
    action: "services.delete",
    target: `service:${options.name}`,
    build(current) {
      if (!current.services.some((s) => s.name === options.name)) throw new AppError("NOT_FOUND", `No service "${options.name}"`);
      const routes = routesUsingService(current, options.name);
      if (routes.length > 0) {
        throw new AppError(
          "CONFLICT",
          `Service "${options.name}" is used by route${routes.length === 1 ? "" : "s"} ${routes.map((r) => `"${r}"`).join(", ")}; change or delete ${routes.length === 1 ? "it" : "them"} first`,
        );
      }
      const policies = (current.policies ?? []).filter((p) => p.scope.kind === "service" && p.scope.name === options.name).map((p) => p.name);
      if (policies.length > 0) {
        throw new AppError("CONFLICT", `Service "${options.name}" has polic${policies.length === 1 ? "y" : "ies"} ${policies.map((p) => `"${p}"`).join(", ")} attached; delete or move ${policies.length === 1 ? "it" : "them"} first`);
      }
      return { ...current, services: current.services.filter((s) => s.name !== options.name) };
    },
  });
}
