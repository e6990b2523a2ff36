import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createSnapshotPayloads } from "./snapshot-payloads.ts";

const snapshot = (version: number) => ({ version, hash: String(version).repeat(64).slice(0, 64), createdAt: "2026-01-01T00:00:00.000Z", config: { services: [], routes: [] } });

describe("snapshot payloads", () => {
  it("encodes and compresses each version once and shares the bytes", async () => {
    const payloads = createSnapshotPayloads(2);
    const a = payloads.get(snapshot(1));
    expect(payloads.get(snapshot(1))).toBe(a);
    const [first, second] = await Promise.all([a.gzip(), a.gzip()]);
    expect(second).toBe(first);
    expect(JSON.parse(gunzipSync(first).toString())).toEqual({ type: "snapshot", snapshot: snapshot(1) });
    expect(a.text).toBe(JSON.stringify({ type: "snapshot", snapshot: snapshot(1) }));
  });

  it("keeps only the newest few versions", () => {
    const payloads = createSnapshotPayloads(2);
    const one = payloads.get(snapshot(1));
    payloads.get(snapshot(2));
    payloads.get(snapshot(3));
    expect(payloads.get(snapshot(1))).not.toBe(one);
  });
});
