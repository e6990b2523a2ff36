import type { Consumer, GatewayConfig } from "@switchyard/config";
import { AppError } from "../app-error.ts";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "../config-router/publish-config.ts";
import { pathWithin } from "../parse-input.ts";

export type ConsumerEditOptions = Publisher;

/**
 * Publishes a change to one consumer. `edit` gets the consumer (null when it doesn't exist yet)
 * and returns its new form; error paths are made relative to that consumer.
 */
export function editConsumer(
  options: ConsumerEditOptions & { username: string; action: string; message: string; create?: boolean; edit(consumer: Consumer | null, config: GatewayConfig): Consumer | null },
): Promise<PublishResult> {
  let index = -1;
  return publishConfig({
    ...publisherOf(options),
    message: options.message,
    action: options.action,
    target: `consumer:${options.username}`,
    build(current) {
      const consumers = [...(current.consumers ?? [])];
      index = consumers.findIndex((c) => c.username === options.username);
      if (index === -1 && !options.create) throw new AppError("NOT_FOUND", `No consumer "${options.username}"`);
      if (index !== -1 && options.create) {
        throw new AppError("CONFLICT", `A consumer named "${options.username}" already exists`, { fieldErrors: [{ path: "username", message: "This username is taken" }] });
      }
      const next = options.edit(index === -1 ? null : consumers[index]!, current);
      if (next === null) consumers.splice(index, 1);
      else if (index === -1) index = consumers.push(next) - 1;
      else consumers[index] = next;
      return { ...current, consumers };
    },
    mapErrorPath: (path) => pathWithin("consumers", index, path),
  });
}

/** A short credential id, unique within the consumer. */
export function nextCredentialId(prefix: string, taken: readonly (string | undefined)[]): string {
  for (let i = 1; ; i++) {
    const id = `${prefix}-${i}`;
    if (!taken.includes(id)) return id;
  }
}
