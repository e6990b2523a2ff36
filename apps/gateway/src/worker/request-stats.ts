import { RESPONSE_FLAGS } from "../errors.ts";
import type { StatRow } from "../messages.ts";

const FLAG_COUNT = RESPONSE_FLAGS.length;

/** Counters for one label set (route, service, subset); created once per config, not per request. */
export class StatSlot {
  readonly route: string;
  readonly service: string;
  readonly subset: string;
  /** key = status * FLAG_COUNT + flag index. */
  readonly counts = new Map<number, number>();

  constructor(route: string, service: string, subset: string) {
    this.route = route;
    this.service = service;
    this.subset = subset;
  }

  add(status: number, flag: number): void {
    const key = status * FLAG_COUNT + flag;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

/** All slots of a worker; slots survive config swaps so counts are never lost. */
export class RequestStats {
  private readonly slots = new Map<string, StatSlot>();

  slot(route: string, service: string, subset: string): StatSlot {
    const key = `${route}\u0000${service}\u0000${subset}`;
    let slot = this.slots.get(key);
    if (!slot) {
      slot = new StatSlot(route, service, subset);
      this.slots.set(key, slot);
    }
    return slot;
  }

  /** Rows counted since the last call, and resets the counters. */
  takeDeltas(): StatRow[] {
    const rows: StatRow[] = [];
    for (const slot of this.slots.values()) {
      if (slot.counts.size === 0) continue;
      for (const [key, count] of slot.counts) {
        rows.push([slot.route, slot.service, slot.subset, Math.floor(key / FLAG_COUNT), RESPONSE_FLAGS[key % FLAG_COUNT]!, count]);
      }
      slot.counts.clear();
    }
    return rows;
  }
}
