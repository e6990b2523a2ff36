import { gzip } from "node:zlib";
import { promisify } from "node:util";
import type { ControlPlaneMessage, Snapshot } from "@switchyard/config";

const gzipAsync = promisify(gzip);

export interface SnapshotPayload {
  /** The snapshot message as JSON text, for data planes that did not ask for compression. */
  text: string;
  /** The same bytes gzip-compressed, made on first use and shared by every data plane. */
  gzip(): Promise<Buffer>;
}

/**
 * Encodes each version once, however many data planes receive it (Kong caches its deflated
 * payload the same way). Keeps the few newest versions: older ones are never sent again.
 */
export function createSnapshotPayloads(keep = 4): { get(snapshot: Snapshot): SnapshotPayload } {
  const cache = new Map<string, SnapshotPayload>();
  return {
    get(snapshot) {
      const key = `${snapshot.version}:${snapshot.hash}`;
      let payload = cache.get(key);
      if (payload) return payload;
      const message: ControlPlaneMessage = { type: "snapshot", snapshot };
      const text = JSON.stringify(message);
      let compressed: Promise<Buffer> | null = null;
      payload = { text, gzip: () => (compressed ??= gzipAsync(text, { level: 1 })) };
      cache.set(key, payload);
      while (cache.size > keep) cache.delete(cache.keys().next().value!);
      return payload;
    },
  };
}
