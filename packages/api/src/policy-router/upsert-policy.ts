import { placeNamed, withoutNamed } from "../named-entity.ts";
import { PolicySchema } from "@switchyard/config";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "../config-router/publish-config.ts";
import { parseInput, pathWithin } from "../parse-input.ts";

type Options = Publisher;

/** Creates or replaces a policy; field errors are relative to the policy (`config.minute`). */
export function upsertPolicy(options: Options & { policy: unknown; originalName?: string | undefined }): Promise<PublishResult> {
  const policy = parseInput(PolicySchema, options.policy);
  const lookup = options.originalName ?? policy.name;
  let index = -1;
  return publishConfig({
    ...publisherOf(options),
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
    ...publisherOf(options),
    message: `Delete policy ${options.name}`,
    action: "policies.delete",
    target: `policy:${options.name}`,
    build(current) {
      return { ...current, policies: withoutNamed(current.policies ?? [], options.name, "policy") };
    },
  });
}
