import type { Service } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import { getCurrentConfig } from "../config-router/get-current-config.ts";

export async function listServices(options: { db: Db }): Promise<Service[]> {
  return (await getCurrentConfig(options))?.config.services ?? [];
}

export async function getService(options: { db: Db; name: string }): Promise<Service> {
  const service = (await listServices(options)).find((s) => s.name === options.name);
  if (!service) throw new AppError("NOT_FOUND", `No service "${options.name}"`);
  return service;
}
