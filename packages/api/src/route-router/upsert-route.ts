import { RouteSchema, type Rollout } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import type { Bus } from "../bus.ts";
import { publishConfig, type PublishResult } from "../config-router/publish-config.ts";
import { parseInput, pathWithin } from "../parse-input.ts";

export interface UpsertRouteOptions {
  db: Db;
  bus: Bus;
  actor: string;
  ip?: string | null;
  route: unknown;
  /** The route's name before this edit, when renaming. */
  originalName?: string | undefined;
  message?: string | undefined;
  rollout?: Rollout | null | undefined;
}

/**
 * Creates or replaces one route and publishes the resulting config. Field errors are relative to
 * the route (`rules.0.destinations.1.weight`), as the console's route form shows them.
 */
export async function upsertRoute(options: UpsertRouteOptions): Promise<PublishResult> {
  const route = parseInput(RouteSchema, options.route);
  const lookup = options.originalName ?? route.name;
  let index = -1;
  return publishConfig({
    db: options.db,
    bus: options.bus,
    actor: options.actor,
    ip: options.ip ?? null,
    message: options.message ?? (options.originalName && options.originalName !== route.name ? `Rename route ${options.originalName} to ${route.name}` : `Update route ${route.name}`),
    action: "routes.upsert",
    target: `route:${route.name}`,
    rollout: options.rollout,
    build(current) {
      const routes = [...current.routes];
      index = routes.findIndex((r) => r.name === lookup);
      if (index === -1 && options.originalName !== undefined && options.originalName !== route.name) {
        throw new AppError("NOT_FOUND", `No route "${options.originalName}" to rename`);
      }
      if (index === -1) index = routes.push(route) - 1;
      else routes[index] = route;
      return { ...current, routes };
    },
    mapErrorPath: (path) => pathWithin("routes", index, path),
  });
}
