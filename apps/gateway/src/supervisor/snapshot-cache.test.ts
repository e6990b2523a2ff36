import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeSnapshot } from "../testing/fake-control-plane.ts";
import { tempDir } from "../testing/fixtures.ts";
import { SnapshotCache } from "./snapshot-cache.ts";

const config = {
  services: [{ name: "a", targets: [{ host: "127.0.0.1", port: 1 }] }],
  routes: [{ name: "r", rules: [{ destinations: [{ service: "a" }] }] }],
};

describe("SnapshotCache", () => {
  let dir: Awaited<ReturnType<typeof tempDir>> | null = null;
  afterEach(async () => { await dir?.remove(); dir = null; });

  it("round-trips a snapshot", async () => {
    dir = await tempDir();
    const cache = new SnapshotCache(dir.path);
    expect(await cache.load()).toEqual({ snapshot: null, reason: "no cached config" });
    const snapshot = makeSnapshot(3, config);
    await cache.save(snapshot);
    expect((await cache.load()).snapshot).toEqual(snapshot);
  });

  it("refuses a tampered or corrupt file", async () => {
    dir = await tempDir();
    const cache = new SnapshotCache(dir.path);
    await cache.save(makeSnapshot(3, config));
    const file = join(dir.path, "snapshot.json");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace('"port":1', '"port":2'));
    expect((await cache.load()).snapshot).toBeNull();
    await writeFile(file, text.slice(0, 40));
    expect((await cache.load()).snapshot).toBeNull();
  });
});
