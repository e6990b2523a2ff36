import { ConsumerSchema } from "@switchyard/config";
import { AppError } from "../app-error.ts";
import type { PublishResult } from "../config-router/publish-config.ts";
import { editConsumer, type ConsumerEditOptions } from "./edit-consumers.ts";
import { parseInput } from "../parse-input.ts";

/** The profile fields a form edits; credentials have their own procedures (keys are shown once). */
export const ConsumerProfileSchema = ConsumerSchema.pick({ username: true, custom_id: true, groups: true });

/** Creates a consumer or changes its custom_id and groups, keeping its credentials. */
export function upsertConsumer(options: ConsumerEditOptions & { consumer: unknown; create: boolean }): Promise<PublishResult> {
  const profile = parseInput(ConsumerProfileSchema, options.consumer);
  return editConsumer({
    ...options,
    username: profile.username,
    create: options.create,
    action: options.create ? "consumers.create" : "consumers.update",
    message: `${options.create ? "Create" : "Update"} consumer ${profile.username}`,
    edit(c) {
      const { custom_id: _dropped, ...rest } = c ?? { username: profile.username, groups: [], credentials: { key_auth: [], basic_auth: [], jwt: [] } };
      return { ...rest, username: profile.username, groups: [...new Set(profile.groups)], ...(profile.custom_id !== undefined && profile.custom_id !== "" ? { custom_id: profile.custom_id } : {}) };
    },
  });
}

/** Deletes a consumer; policies attached to it or naming it as the anonymous fallback must go first. */
export function deleteConsumer(options: ConsumerEditOptions & { username: string }): Promise<PublishResult> {
  return editConsumer({
    ...options,
    action: "consumers.delete",
    message: `Delete consumer ${options.username}`,
    edit(_c, config) {
      const users = (config.policies ?? [])
        .filter((p) => (p.scope.kind === "consumer" && p.scope.name === options.username) || ("anonymous" in p.config && p.config.anonymous === options.username))
        .map((p) => `"${p.name}"`);
      if (users.length > 0) throw new AppError("CONFLICT", `Consumer "${options.username}" is used by polic${users.length === 1 ? "y" : "ies"} ${users.join(", ")}; change or delete ${users.length === 1 ? "it" : "them"} first`);
      return null;
    },
  });
}
