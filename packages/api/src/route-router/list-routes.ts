import type { Route } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import type { Role } from "../auth-router/roles.ts";
import { getCurrentConfigFor } from "../config-router/redact-config.ts";

/** Routes as `role` may read them (credential headers a rule sends upstream are redacted for viewers). */
export async function listRoutes(options: { db: Db; role: Role }): Promise<Route[]> {
  return (await getCurrentConfigFor(options))?.routes ?? [];
}

export async function getRoute(options: { db: Db; role: Role; name: string }): Promise<Route> {
  const route = (await listRoutes(options)).find((r) => r.name === options.name);
  if (!route) throw new AppError("NOT_FOUND", `No route "${options.name}"`);
  return route;
}
