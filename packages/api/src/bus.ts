import { EventEmitter } from "node:events";
import type { Rollout, Snapshot } from "@switchyard/config";

/** In-process events between the API and the data-plane hub of one control plane. */
export interface BusEvents {
  /** A version was stored here; `rollout` is its staged selector, or null for every data plane. */
  "config-published": [snapshot: Snapshot, rollout: Rollout | null];
  /**
   * Which data planes should run which version changed without a local publish: a promotion, a
   * halt, or a publish on another control plane (`remote`). Listeners reload from the database.
   */
  "rollout-changed": [event: { version: number; remote?: boolean }];
  /** `remote`: reported by another control plane sharing the database. */
  "data-planes-changed": [event?: { remote?: boolean }];
}

export type Bus = EventEmitter<BusEvents>;

export function createBus(): Bus {
  const bus = new EventEmitter<BusEvents>();
  // One listener per open subscription and per hub; many consoles may be open at once.
  bus.setMaxListeners(0);
  return bus;
}
