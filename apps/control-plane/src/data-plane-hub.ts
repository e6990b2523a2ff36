import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import {
  getRolloutTargets,
  haltRollout,
  markDataPlaneDisconnected,
  recordDataPlaneAck,
  recordDataPlaneHello,
  recordDataPlaneNack,
  targetFor,
  touchDataPlane,
  type Bus,
  type RolloutTargets,
} from "@switchyard/api";
import { DP_PROTOCOL_VERSION, DataPlaneMessageSchema, type DataPlaneMessage, type Rollout, type Snapshot, type StatsMessage } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { createSnapshotPayloads } from "./snapshot-payloads.ts";

export interface DataPlaneHubOptions {
  db: Db;
  bus: Bus;
  controlPlaneId: string;
  /** How often peers are pinged; one missed pong closes the connection. */
  pingIntervalMs?: number;
  log?: (line: string) => void;
  /** Per-second traffic stats a connected data plane reported. */
  onStats?: (nodeId: string, message: StatsMessage) => void;
}

export interface DataPlaneHub {
  handleConnection(ws: WebSocket, req: IncomingMessage): void;
  /** Connected nodes (said hello), for tests and logs. */
  connectedNodeIds(): string[];
  close(): Promise<void>;
}

interface Peer {
  ws: WebSocket;
  nodeId: string | null;
  labels: Record<string, string>;
  /** Said `accept: ["gzip"]` in its hello: snapshots go as one gzip binary frame. */
  gzip: boolean;
  /** What the node says it runs (hello/ack). */
  appliedHash: string | null;
  appliedVersion: number | null;
  /** Newest version handed to ws.send or waiting for it; older snapshots are never sent after it. */
  newestVersion: number;
  sending: boolean;
  queued: Snapshot | null;
  alive: boolean;
  /** Messages of one peer are handled in order (hello before its ack). */
  chain: Promise<void>;
}

/**
 * The /dp WebSocket endpoint: tracks data planes in the database and pushes each one the version
 * it should run — the newest fully rolled-out one, or a staged one whose selector matches its labels.
 */
export function createDataPlaneHub(options: DataPlaneHubOptions): DataPlaneHub {
  const { db, bus, controlPlaneId } = options;
  const log = options.log ?? (() => {});
  const peers = new Set<Peer>();
  const byNode = new Map<string, Peer>();
  const payloads = createSnapshotPayloads();

  const changed = () => bus.emit("data-planes-changed");
  const safely = (what: string, task: () => Promise<void>) =>
    task().catch((error: unknown) => log(`data-plane hub: ${what} failed: ${(error as Error).message}`));

  let localPublishes = 0;
  let targets: RolloutTargets = { stable: null, staged: null };
  // Reloads run one at a time; the last one to finish reflects the newest database state.
  let reloading: Promise<void> = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(() =>
      safely("rollout reload", async () => {
        // A local publish during the read would be overwritten by older rows: read again.
        let fresh: RolloutTargets;
        let seen: number;
        do {
          seen = localPublishes;
          fresh = await getRolloutTargets({ db });
        } while (seen !== localPublishes);
        targets = fresh;
        pushAll();
      }),
    );
    return reloading;
  };
  void reload();

  function pushAll(): void {
    for (const peer of peers) push(peer);
  }

  function push(peer: Peer): void {
    if (!peer.nodeId || peer.ws.readyState !== peer.ws.OPEN) return;
    const snapshot = targetFor(targets, peer.labels);
    if (snapshot) send(peer, snapshot);
  }

  function send(peer: Peer, snapshot: Snapshot): void {
    if (snapshot.version <= peer.newestVersion) return;
    if (snapshot.hash === peer.appliedHash && snapshot.version === peer.appliedVersion) return;
    peer.newestVersion = snapshot.version;
    // Coalesce: while a send is in flight only the newest snapshot waits; older ones are dropped.
    if (peer.sending) peer.queued = snapshot;
    else transmit(peer, snapshot);
  }

  function transmit(peer: Peer, snapshot: Snapshot): void {
    peer.sending = true;
    const payload = payloads.get(snapshot);
    const done = () => {
      peer.sending = false;
      const next = peer.queued;
      peer.queued = null;
      if (next && peer.ws.readyState === peer.ws.OPEN) transmit(peer, next);
    };
    if (!peer.gzip) {
      peer.ws.send(payload.text, done);
      return;
    }
    payload.gzip().then(
      (bytes) => {
        if (peer.ws.readyState !== peer.ws.OPEN) return done();
        peer.ws.send(bytes, { binary: true, compress: false }, done);
      },
      (error: unknown) => {
        log(`data-plane hub: compressing version ${snapshot.version} failed: ${(error as Error).message}`);
        done();
      },
    );
  }

  async function handleMessage(peer: Peer, message: DataPlaneMessage): Promise<void> {
    if (message.type === "hello") {
      if (message.protocol !== DP_PROTOCOL_VERSION) {
        peer.ws.close(1008, `unsupported protocol ${message.protocol}; this control plane speaks ${DP_PROTOCOL_VERSION}`);
        return;
      }
      const previous = byNode.get(message.nodeId);
      if (previous && previous !== peer) previous.ws.close(4000, "replaced by a newer connection of the same node");
      peer.nodeId = message.nodeId;
      peer.labels = message.labels;
      peer.gzip = message.accept?.includes("gzip") ?? false;
      peer.appliedHash = message.appliedHash;
      peer.appliedVersion = message.appliedVersion;
      byNode.set(message.nodeId, peer);
      await recordDataPlaneHello({ db, hello: message, controlPlaneId });
      log(`data plane ${message.nodeId} (${message.hostname}) connected, running version ${message.appliedVersion ?? "none"}`);
      changed();
      // Any reload queued so far (e.g. after a halt) must land first, or a stale target is sent.
      await reloading;
      push(peer);
      return;
    }
    if (!peer.nodeId) {
      peer.ws.close(1008, "hello first");
      return;
    }
    if (message.type === "stats") {
      options.onStats?.(peer.nodeId, message);
      return;
    }
    if (message.type === "ack") {
      peer.appliedHash = message.hash;
      peer.appliedVersion = message.version;
      await recordDataPlaneAck({ db, nodeId: peer.nodeId, version: message.version, hash: message.hash });
    } else {
      log(`data plane ${peer.nodeId} rejected version ${message.version}: ${message.error}`);
      await recordDataPlaneNack({ db, nodeId: peer.nodeId, version: message.version, error: message.error });
      if (await haltRollout({ db, bus, version: message.version, nodeId: peer.nodeId, error: message.error })) {
        log(`rollout of version ${message.version} halted`);
      }
    }
    changed();
  }

  function handleConnection(ws: WebSocket, _req: IncomingMessage): void {
    const peer: Peer = {
      ws,
      nodeId: null,
      labels: {},
      gzip: false,
      appliedHash: null,
      appliedVersion: null,
      newestVersion: 0,
      sending: false,
      queued: null,
      alive: true,
      chain: Promise.resolve(),
    };
    peers.add(peer);
    ws.on("pong", () => {
      peer.alive = true;
      const nodeId = peer.nodeId;
      if (nodeId) void safely("last-seen update", () => touchDataPlane({ db, nodeId }));
    });
    ws.on("message", (data, isBinary) => {
      let parsed: ReturnType<typeof DataPlaneMessageSchema.safeParse>;
      try {
        parsed = DataPlaneMessageSchema.safeParse(JSON.parse(isBinary ? Buffer.from(data as Buffer).toString("utf8") : data.toString()));
      } catch {
        ws.close(1007, "messages are JSON");
        return;
      }
      if (!parsed.success) {
        ws.close(1008, "invalid message");
        return;
      }
      const message = parsed.data;
      peer.chain = peer.chain.then(() => safely(`${message.type} handling`, () => handleMessage(peer, message)));
    });
    ws.on("error", (error) => log(`data-plane socket error: ${error.message}`));
    ws.on("close", () => {
      peers.delete(peer);
      const nodeId = peer.nodeId;
      if (!nodeId || byNode.get(nodeId) !== peer) return;
      byNode.delete(nodeId);
      log(`data plane ${nodeId} disconnected`);
      peer.chain = peer.chain.then(() =>
        safely("disconnect", async () => {
          await markDataPlaneDisconnected({ db, nodeId, controlPlaneId });
          changed();
        }),
      );
    });
  }

  // A local publish carries its snapshot: push at once, without reading it back.
  const onPublished = (snapshot: Snapshot, rollout: Rollout | null) => {
    localPublishes++;
    if (rollout) {
      if (!targets.staged || targets.staged.snapshot.version < snapshot.version) targets = { ...targets, staged: { snapshot, selector: rollout.selector } };
    } else if (!targets.stable || targets.stable.version < snapshot.version) {
      targets = { stable: snapshot, staged: targets.staged && targets.staged.snapshot.version > snapshot.version ? targets.staged : null };
    }
    pushAll();
  };
  // Promotions, halts and other control planes' publishes: the database has the truth.
  const onRolloutChanged = () => void reload();
  bus.on("config-published", onPublished);
  bus.on("rollout-changed", onRolloutChanged);

  const pinger = setInterval(() => {
    for (const peer of peers) {
      if (!peer.alive) {
        peer.ws.terminate();
        continue;
      }
      peer.alive = false;
      peer.ws.ping();
    }
  }, options.pingIntervalMs ?? 10_000);
  pinger.unref();

  return {
    handleConnection,
    connectedNodeIds: () => [...byNode.keys()],
    async close() {
      clearInterval(pinger);
      bus.off("config-published", onPublished);
      bus.off("rollout-changed", onRolloutChanged);
      const all = [...peers];
      for (const peer of all) peer.ws.close(1001, "control plane shutting down");
      // Let the close handlers record the disconnects before the database goes away.
      await Promise.all(all.map((peer) => new Promise<void>((resolve) => (peer.ws.readyState === peer.ws.CLOSED ? resolve() : peer.ws.once("close", () => resolve())))).map((p) => withTimeout(p, 2_000)));
      await Promise.all(all.map((peer) => peer.chain));
      await reloading;
    },
  };
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
