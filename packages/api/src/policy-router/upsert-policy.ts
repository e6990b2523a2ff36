import { PolicySchema } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import type { Bus } from "../bus.ts";
import { publishConfig, type PublishResult } from "../config-router/publish-config.ts";
import { parseInput, pathWithin } from "../parse-input.ts";

interface Options {
  db: Db;
  bus: Bus;
  actor: string;
  ip?: string | null;
}

/** Creates or replaces a policy; field errors are relative to the policy (`config.minute`). */
export function upsertPolicy(options: Options & { policy: unknown; originalName?: string | undefined }): Promise<PublishResult> {
  const policy = parseInput(PolicySchema, options.policy);
  const lookup = options.originalName ?? policy.name;
  let index = -1;
  return publishConfig({
    db: options.db,
    bus: options.bus,
    actor: options.actor,
    ip: options.ip ?? null,
    message: `${options.originalName === undefined ? "Create" : "Update"} ${policy.type} policy ${policy.name}`,
    action: "policies.upsert",
    target: `policy:${policy.name}`,
    build(current) {
      const policies = [...(current.policies ?? [])];
      index = policies.findIndex((p) => p.name === lookup);
      if (index === -1 && options.originalName !== undefined) throw new AppError("NOT_FOUND", `No policy "${options.originalName}"`);
      if (options.originalName === undefined && index !== -1) {
        throw new AppError("CONFLICT", `A policy named "${policy.name}" already exists`, { fieldErrors: [{ path: "name", message: "This name is taken" }] });
      }
      if (options.originalName !== undefined && options.originalName !== policy.name && policies.some((p) => p.name === policy.name)) {
        throw new AppError("CONFLICT", `A policy named "${policy.name}" already exists`, { fieldErrors: [{ path: "name", message: "This name is taken" }] });
      }
      if (index === -1) index = policies.push(policy) - 1;
      else policies[index] = policy;
      return { ...current, policies };
    },
    mapErrorPath: (path) => pathWithin("policies", index, path),
  });
}

export function deletePolicy(options: Options & { name: string }): Promise<PublishResult> {
  return publishConfig({
    db: options.db,
    bus: options.bus,
    actor: options.actor,
    ip: options.ip ?? null,
    message: `Delete policy ${options.name}`,
    action: "policies.delete",
    target: `policy:${options.name}`,
    build(current) {
      const policies = current.policies ?? [];
      if (!policies.some((p) => p.name === options.name)) throw new AppError("NOT_FOUND", `No policy "${options.name}"`);
      return { ...current, policies: policies.filter((p) => p.name !== options.name) };
    },
  });
}
