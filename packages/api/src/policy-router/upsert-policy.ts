import { placeNamed, withoutNamed } from "../named-entity.ts";
import { PolicySchema } from "@switchyard/config";
import type { Db } from "@switchyard/db";
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
      const placed = placeNamed(current.policies ?? [], policy, options.originalName, "policy");
      index = placed.index;
      return { ...current, policies: placed.list };
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
      return { ...current, policies: withoutNamed(current.policies ?? [], options.name, "policy") };
    },
  });
}
