import type { Route } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import { getCurrentConfig } from "../config-router/get-current-config.ts";

export async function listRoutes(options: { db: Db }): Promise<Route[]> {
  return (await getCurrentConfig(options))?.config.routes ?? [];
}

export async function getRoute(options: { db: Db; name: string }): Promise<Route> {
  const route = (await listRoutes(options)).find((r) => r.name === options.name);
  if (!route) throw new AppError("NOT_FOUND", `No route "${options.name}"`);
  return route;
}
