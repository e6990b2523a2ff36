import type { Rollout } from "@switchyard/config";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "./publish-config.ts";

/** Replaces the whole config (`switchyard apply -f`). */
export function applyConfig(options: Publisher & { config: unknown; message?: string | undefined; rollout?: Rollout | null | undefined }): Promise<PublishResult> {
  return publishConfig({
    ...publisherOf(options),
    message: options.message,
    action: "config.apply",
    target: "config",
    ignoresCurrent: true,
    build: () => options.config,
    rollout: options.rollout,
  });
}
