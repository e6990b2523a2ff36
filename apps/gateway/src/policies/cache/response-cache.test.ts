import { describe, expect, it } from "vitest";
import { parseCacheControl } from "./cache-control.ts";
import { entrySize, ResponseCache, type CachedResponse } from "./response-cache.ts";

const entry = (key: string, bytes: number): CachedResponse => {
  const headers = { "content-type": "text/plain" };
  return { status: 200, headers, body: Buffer.alloc(bytes), storedAt: 0, expiresAt: 1, initialAge: 0, size: entrySize(key, headers, bytes) };
};

describe("response cache store", () => {
  it("evicts the least recently used entry past max_entries", () => {
    const cache = new ResponseCache(2, 1 << 20);
    cache.set("a", entry("a", 10));
    cache.set("b", entry("b", 10));
    cache.get("a");
    cache.set("c", entry("c", 10));
    expect([cache.get("a") !== undefined, cache.get("b") !== undefined, cache.get("c") !== undefined]).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
  });

  it("stays within max_bytes, refuses an entry larger than the bound, and frees bytes on replace and delete", () => {
    const cache = new ResponseCache(100, 4096);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, entry(`k${i}`, 1000));
    expect(cache.bytes).toBeLessThanOrEqual(4096);
    expect(cache.size).toBeLessThan(10);
    expect(cache.get("k9")).toBeDefined();
    expect(cache.set("huge", entry("huge", 5000))).toBe(false);
    const before = cache.bytes;
    cache.set("k9", entry("k9", 1000));
    expect(cache.bytes).toBe(before);
    cache.delete("k9");
    expect(cache.bytes).toBe(before - entry("k9", 1000).size);
  });

  it("parses the Cache-Control directives it acts on", () => {
    expect(parseCacheControl(undefined)).toBeNull();
    expect(parseCacheControl('public, s-maxage="60", max-age=10')).toMatchObject({ sMaxAge: 60, maxAge: 10, noStore: false });
    expect(parseCacheControl("No-Store, PRIVATE")).toMatchObject({ noStore: true, private: true, maxAge: -1 });
    expect(parseCacheControl(["no-cache", "max-age=abc"])).toMatchObject({ noCache: true, maxAge: 0 });
  });
});
