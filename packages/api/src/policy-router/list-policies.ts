import type { Policy, PolicyType } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import type { Role } from "../auth-router/roles.ts";
import { getCurrentConfig } from "../config-router/get-current-config.ts";
import { getCurrentConfigFor } from "../config-router/redact-config.ts";
import { policiesInRunOrder, type AppliedPolicy } from "@switchyard/routing";

/** Policies as `role` may read them (Redis passwords and upstream credential headers are redacted for viewers). */
export async function listPolicies(options: { db: Db; role: Role; type?: PolicyType | undefined; scope?: Policy["scope"]["kind"] | undefined; search?: string | undefined }): Promise<Policy[]> {
  const all = (await getCurrentConfigFor(options))?.policies ?? [];
  const q = options.search?.trim().toLowerCase() ?? "";
  return all.filter(
    (p) =>
      (!options.type || p.type === options.type) &&
      (!options.scope || p.scope.kind === options.scope) &&
      (q === "" || p.name.includes(q) || (p.scope.kind !== "global" && p.scope.name.includes(q))),
  );
}

export async function getPolicy(options: { db: Db; role: Role; name: string }): Promise<Policy> {
  const p = ((await getCurrentConfigFor(options))?.policies ?? []).find((x) => x.name === options.name);
  if (!p) throw new AppError("NOT_FOUND", `No policy "${options.name}"`);
  return p;
}

/** Policies that run for each rule of a route, in run order. */
export async function policiesForRoute(options: { db: Db; name: string }): Promise<{ rule: number; name: string | null; services: string[]; policies: AppliedPolicy[] }[]> {
  const config = (await getCurrentConfig(options))?.config;
  const route = config?.routes.find((r) => r.name === options.name);
  if (!config || !route) throw new AppError("NOT_FOUND", `No route "${options.name}"`);
  return route.rules.map((rule, i) => {
    const services = [...new Set(rule.destinations.map((d) => d.service))];
    return { rule: i, name: rule.name ?? null, services, policies: policiesInRunOrder(config.policies ?? [], { route: route.name, services, consumer: null }) };
  });
}
