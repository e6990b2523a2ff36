import { gunzipSync } from "node:zlib";
import WebSocket from "ws";
import { DP_PROTOCOL_VERSION, SnapshotMessageSchema, type Snapshot } from "@switchyard/config";

/** A minimal data plane speaking the /dp protocol, for tests of the hub. */
export interface FakeDataPlane {
  ws: WebSocket;
  snapshots: Snapshot[];
  /** How many snapshot frames arrived as text and as binary (gzip). */
  frames: { text: number; binary: number };
  nextSnapshot(timeoutMs?: number): Promise<Snapshot>;
  ack(snapshot: Snapshot): void;
  nack(snapshot: Snapshot, error: string): void;
  close(): Promise<void>;
}

export async function connectFakeDataPlane(options: {
  baseUrl: string;
  token: string;
  nodeId: string;
  applied?: { version: number; hash: string } | null;
  labels?: Record<string, string>;
  /** Encodings announced in hello, e.g. ["gzip"]. */
  accept?: string[];
}): Promise<FakeDataPlane> {
  const ws = new WebSocket(`${options.baseUrl.replace(/^http/, "ws")}/dp`, { headers: { authorization: `Bearer ${options.token}` } });
  const snapshots: Snapshot[] = [];
  const waiters: ((s: Snapshot) => void)[] = [];
  let read = 0;
  const frames = { text: 0, binary: 0 };
  ws.on("message", (data, isBinary) => {
    // A binary frame is the gzip of the JSON message (only sent when hello accepted gzip).
    const text = isBinary ? gunzipSync(data as Buffer).toString("utf8") : data.toString();
    if (isBinary) frames.binary++;
    else frames.text++;
    const snapshot = SnapshotMessageSchema.parse(JSON.parse(text)).snapshot;
    snapshots.push(snapshot);
    waiters.shift()?.(snapshot);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.send(
    JSON.stringify({
      type: "hello",
      protocol: DP_PROTOCOL_VERSION,
      nodeId: options.nodeId,
      hostname: "test-host",
      labels: options.labels ?? { zone: "test" },
      softwareVersion: "0.0.0-test",
      appliedVersion: options.applied?.version ?? null,
      appliedHash: options.applied?.hash ?? null,
      ...(options.accept ? { accept: options.accept } : {}),
    }),
  );
  return {
    ws,
    snapshots,
    frames,
    nextSnapshot(timeoutMs = 5_000) {
      if (read < snapshots.length) return Promise.resolve(snapshots[read++]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no snapshot arrived")), timeoutMs);
        waiters.push((s) => {
          clearTimeout(timer);
          read++;
          resolve(s);
        });
      });
    },
    ack(snapshot) {
      ws.send(JSON.stringify({ type: "ack", version: snapshot.version, hash: snapshot.hash }));
    },
    nack(snapshot, error) {
      ws.send(JSON.stringify({ type: "nack", version: snapshot.version, hash: snapshot.hash, error }));
    },
    close() {
      return new Promise((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once("close", () => resolve());
        ws.close();
      });
    },
  };
}
