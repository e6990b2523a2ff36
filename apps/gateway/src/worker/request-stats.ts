import { LATENCY_BUCKET_COUNT } from "@switchyard/config";
import { RESPONSE_FLAGS } from "../errors.ts";
import type { StatRow } from "../messages.ts";
import { EventCounters, type EventCell } from "./event-counters.ts";
import { latencyBucket } from "./latency-bucket.ts";

const FLAG_COUNT = RESPONSE_FLAGS.length;
/** Consumer ids above this share one cell key space per slot; far more than any config has. */
const CONSUMER_STRIDE = 1 << 20;

/** Counters of one (status, flag, consumer) within a slot; reused across intervals, zeroed on report. */
class StatCell {
  readonly code: number;
  readonly flag: number;
  readonly consumer: number;
  count = 0;
  requestBytes = 0;
  responseBytes = 0;
  durationSumMs = 0;
  upstreamSumMs = 0;
  upstreamCount = 0;
  readonly duration = new Uint32Array(LATENCY_BUCKET_COUNT);
  readonly upstream = new Uint32Array(LATENCY_BUCKET_COUNT);

  constructor(code: number, flag: number, consumer: number) {
    this.code = code;
    this.flag = flag;
    this.consumer = consumer;
  }
}

/** Counters for one label set (route, service, subset); created once per config, not per request. */
export class StatSlot {
  readonly route: string;
  readonly service: string;
  readonly subset: string;
  /** Retries sent for this label set (switchyard_upstream_retries_total). */
  readonly retries: EventCell;
  /** key = (status * FLAG_COUNT + flag) * CONSUMER_STRIDE + consumer id. */
  readonly cells = new Map<number, StatCell>();
  /** Slots counted since the last report, shared by all slots of a worker; this one is on it when `listed`. */
  private readonly counted: StatSlot[];
  listed = false;

  constructor(route: string, service: string, subset: string, retries: EventCell, counted: StatSlot[]) {
    this.route = route;
    this.service = service;
    this.subset = subset;
    this.retries = retries;
    this.counted = counted;
  }

  /**
   * Counts one finished request. `flag` is an index into RESPONSE_FLAGS, `consumer` an id from
   * RequestStats.consumerId (0: none); `upstreamMs` < 0 when no upstream answered.
   */
  add(status: number, flag: number, durationMs = 0, upstreamMs = -1, requestBytes = 0, responseBytes = 0, consumer = 0): void {
    const key = (status * FLAG_COUNT + flag) * CONSUMER_STRIDE + consumer;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = new StatCell(status, flag, consumer);
      this.cells.set(key, cell);
    }
    if (!this.listed) { this.listed = true; this.counted.push(this); }
    cell.count++;
    cell.requestBytes += requestBytes;
    cell.responseBytes += responseBytes;
    cell.durationSumMs += durationMs;
    cell.duration[latencyBucket(durationMs)]!++;
    if (upstreamMs >= 0) {
      cell.upstreamCount++;
      cell.upstreamSumMs += upstreamMs;
      cell.upstream[latencyBucket(upstreamMs)]!++;
    }
  }
}

function sparse(buckets: Uint32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < buckets.length; i++) {
    if (buckets[i] !== 0) {
      out.push(i, buckets[i]!);
      buckets[i] = 0;
    }
  }
  return out;
}

/** All slots of a worker; slots survive config swaps so counts are never lost. */
export class RequestStats {
  /** Retries, ejections, rate-limited and auth-rejected responses, reported beside the rows. */
  readonly events = new EventCounters();
  /**
   * Slots with counts since the last report: the stats timer visits these, not all slots (a
   * 1,000-route table has thousands, and walking them every interval stalled the worker ~0.3 ms).
   */
  private readonly counted: StatSlot[] = [];
  /**
   * route → service → subset. Nested maps of the config's own strings (whose hashes V8 keeps)
   * instead of a joined key: a 10,000-route table resolves its 20,000 slots without building
   * and hashing 20,000 new strings.
   */
  private readonly byRoute = new Map<string, Map<string, Map<string, StatSlot>>>();
  private readonly consumers: string[] = [""];
  private readonly consumerIds = new Map<string, number>([["", 0]]);

  slot(route: string, service: string, subset: string): StatSlot {
    let byService = this.byRoute.get(route);
    if (byService === undefined) { byService = new Map(); this.byRoute.set(route, byService); }
    let bySubset = byService.get(service);
    if (bySubset === undefined) { bySubset = new Map(); byService.set(service, bySubset); }
    let slot = bySubset.get(subset);
    if (slot === undefined) {
      slot = new StatSlot(route, service, subset, this.events.cell("retries", [route, service, subset]), this.counted);
      bySubset.set(subset, slot);
    }
    return slot;
  }

  /** Stable small id for a consumer name; resolve it when the consumer is compiled, not per request. */
  consumerId(name: string): number {
    let id = this.consumerIds.get(name);
    if (id === undefined) {
      id = this.consumers.length;
      this.consumers.push(name);
      this.consumerIds.set(name, id);
    }
    return id;
  }

  /** Rows counted since the last call, and resets the counters. */
  takeDeltas(): StatRow[] {
    const rows: StatRow[] = [];
    const counted = this.counted;
    for (const slot of counted) {
      slot.listed = false;
      for (const cell of slot.cells.values()) {
        if (cell.count === 0) continue;
        rows.push({
          route: slot.route,
          service: slot.service,
          subset: slot.subset,
          code: cell.code,
          flag: RESPONSE_FLAGS[cell.flag]!,
          consumer: this.consumers[cell.consumer] ?? "",
          count: cell.count,
          requestBytes: cell.requestBytes,
          responseBytes: cell.responseBytes,
          latency: sparse(cell.duration),
          latencySumMs: cell.durationSumMs,
          upstream: sparse(cell.upstream),
          upstreamSumMs: cell.upstreamSumMs,
          upstreamCount: cell.upstreamCount,
        });
        cell.count = 0;
        cell.requestBytes = 0;
        cell.responseBytes = 0;
        cell.durationSumMs = 0;
        cell.upstreamSumMs = 0;
        cell.upstreamCount = 0;
      }
    }
    counted.length = 0;
    return rows;
  }
}
