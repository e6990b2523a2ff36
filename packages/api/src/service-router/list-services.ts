import type { Service } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import type { Role } from "../auth-router/roles.ts";
import { getCurrentConfigFor } from "../config-router/redact-config.ts";

/** Services as `role` may read them (mTLS client keys are redacted for viewers). */
export async function listServices(options: { db: Db; role: Role }): Promise<Service[]> {
  return (await getCurrentConfigFor(options))?.services ?? [];
}

export async function getService(options: { db: Db; role: Role; name: string }): Promise<Service> {
  const service = (await listServices(options)).find((s) => s.name === options.name);
  if (!service) throw new AppError("NOT_FOUND", `No service "${options.name}"`);
  return service;
}
