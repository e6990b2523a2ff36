import { ServiceSchema } from "@switchyard/config";
import { AppError } from "../app-error.ts";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "../config-router/publish-config.ts";
import { parseInput, pathWithin } from "../parse-input.ts";

export interface UpsertServiceOptions extends Publisher {
  service: unknown;
  /** The service's name before this edit, when renaming. */
  originalName?: string | undefined;
  message?: string | undefined;
  /** A new service: refuse to replace one of the same name. */
  create?: boolean | undefined;
}

/**
 * Creates or replaces one service and publishes the resulting config. Field errors are relative
 * to the service (`targets.1.port`), as the console's service form shows them. Renaming a
 * service that routes still send to fails with the routes' reference errors.
 */
export async function upsertService(options: UpsertServiceOptions): Promise<PublishResult> {
  const service = parseInput(ServiceSchema, options.service);
  const lookup = options.originalName ?? service.name;
  let index = -1;
  return publishConfig({
    ...publisherOf(options),
    message: options.message ?? (options.originalName && options.originalName !== service.name ? `Rename service ${options.originalName} to ${service.name}` : `Update service ${service.name}`),
    action: "services.upsert",
    target: `service:${service.name}`,
    build(current) {
      const services = [...current.services];
      index = services.findIndex((s) => s.name === lookup);
      if (index === -1 && options.originalName !== undefined && options.originalName !== service.name) {
        throw new AppError("NOT_FOUND", `No service "${options.originalName}" to rename`);
      }
      if (index !== -1 && options.create) {
        throw new AppError("CONFLICT", `A service named "${service.name}" already exists`, { fieldErrors: [{ path: "name", message: `A service named "${service.name}" already exists` }] });
      }
      if (index === -1) index = services.push(service) - 1;
      else services[index] = service;
      return { ...current, services };
    },
    mapErrorPath: (path) => pathWithin("services", index, path),
  });
}
