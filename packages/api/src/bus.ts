import { EventEmitter } from "node:events";
import type { Snapshot } from "@switchyard/config";

/** In-process events between the API and the data-plane hub of one control plane. */
export interface BusEvents {
  "config-published": [snapshot: Snapshot];
  "data-planes-changed": [];
}

export type Bus = EventEmitter<BusEvents>;

export function createBus(): Bus {
  const bus = new EventEmitter<BusEvents>();
  // One listener per open subscription and per hub; many consoles may be open at once.
  bus.setMaxListeners(0);
  return bus;
}
