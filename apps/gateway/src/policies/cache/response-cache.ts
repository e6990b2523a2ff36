import type { OutgoingHttpHeaders } from "node:http";

/** One stored response: headers as relayed to clients (before per-request policy headers). */
export interface CachedResponse {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  /** Epoch ms it was stored and stops being served. */
  readonly storedAt: number;
  readonly expiresAt: number;
  /** Seconds of Age the upstream reported when it was stored. */
  readonly initialAge: number;
  readonly size: number;
}

/** Bookkeeping bytes per entry on top of body, key and headers (Map slot, object, strings). */
const ENTRY_OVERHEAD = 256;

export function entrySize(key: string, headers: OutgoingHttpHeaders, bodyLength: number): number {
  let size = ENTRY_OVERHEAD + key.length * 2 + bodyLength;
  for (const name in headers) {
    const v = headers[name];
    size += name.length * 2 + (Array.isArray(v) ? v.reduce((n, s) => n + s.length * 2, 0) : String(v).length * 2);
  }
  return size;
}

/**
 * In-memory response cache of one proxy-cache policy in one worker: least recently used
 * entries are evicted once either bound is passed. A Map keeps insertion order, so moving an
 * entry to the end on each hit makes its first key the least recently used.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private used = 0;

  constructor(maxEntries: number, maxBytes: number) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  get size(): number { return this.entries.size; }
  get bytes(): number { return this.used; }

  /** The entry for `key`, marked most recently used; expired entries are returned too (the caller refreshes them). */
  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Stores an entry unless it alone is larger than the byte bound; evicts as needed. */
  set(key: string, entry: CachedResponse): boolean {
    if (entry.size > this.maxBytes) return false;
    this.delete(key);
    this.entries.set(key, entry);
    this.used += entry.size;
    while (this.entries.size > this.maxEntries || this.used > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.used -= entry.size;
  }
}
