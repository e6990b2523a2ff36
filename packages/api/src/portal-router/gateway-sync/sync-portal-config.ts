import type { Db } from "@switchyard/db";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "../../config-router/publish-config.ts";
import { buildPortalConfig } from "./build-portal-config.ts";
import { loadPortalState } from "./load-portal-state.ts";

const queues = new WeakMap<Db, Promise<unknown>>();

/**
 * Regenerates the portal-owned part of the config from the portal tables and publishes it the
 * normal way (a new version only when the hash changes). Syncs of one control plane run one at a
 * time and each reads the state when it starts, so the last one always publishes the newest state.
 */
export function syncPortalConfig(options: Publisher & { reason: string }): Promise<PublishResult> {
  const previous = queues.get(options.db) ?? Promise.resolve();
  const run = previous.then(() => syncOnce(options), () => syncOnce(options));
  queues.set(options.db, run.catch(() => {}));
  return run;
}

async function syncOnce(options: Publisher & { reason: string }): Promise<PublishResult> {
  return publishConfig({
    ...publisherOf(options),
    message: `Portal: ${options.reason}`,
    action: "portal.sync",
    target: "portal",
    // Read inside the publish lock: a route rename queued before this sync has updated the products by then.
    load: () => loadPortalState(options.db),
    build: (current, state) => buildPortalConfig(current, state),
  });
}
