import { Worker } from "node:worker_threads";
import { assertPortFree } from "./assert-port-free.ts";
import type { Snapshot } from "@switchyard/config";
import type { Logger } from "../log.ts";
import type { PolicySharedInit } from "../policies/policy-shared-init.ts";
import type { FromWorker, HttpServerKind, ToWorker, WorkerInit, WorkerStats } from "../messages.ts";
import type { AccessLogOptions } from "../worker/access-log.ts";
import { UpstreamSlots } from "./upstream-slots.ts";

const WORKER_URL = new URL("../worker/worker-main.ts", import.meta.url);
/** A worker that crashes is replaced, but not faster than this, so a crash loop can't spin. */
const RESTART_DELAY_MS = 500;

interface Slot {
  index: number;
  worker: Worker;
  listening: boolean;
  appliedSeq: number;
  /** Newest config this worker compiled and holds for commit. */
  preparedSeq: number;
  /** The worker's reason for refusing a config, by seq. */
  failure: { seq: number; error: string } | null;
  stopping: boolean;
}

export interface WorkerPoolOptions {
  count: number;
  port: number;
  /** HTTPS listener port (0: pick one); null: none. */
  httpsPort?: number | null;
  host: string;
  statsIntervalMs: number;
  accessLog?: AccessLogOptions;
  httpServer?: HttpServerKind;
  /** Created once by the main thread; every worker (also a replacement) maps the same memory. */
  policies?: PolicySharedInit;
  log: Logger;
  /** A worker's report; `worker` is its index (a replacement reuses the index). */
  onStats: (stats: WorkerStats, worker: number) => void;
  /** A worker exited (crash or stop): what it reported as current state no longer holds. */
  onWorkerExit?: (worker: number) => void;
}

/**
 * Starts and supervises the proxy workers: replaces a worker that exits, hands every worker
 * the current snapshot (a replacement starts with it), and tells when all workers run a config.
 */
export class WorkerPool {
  private readonly options: WorkerPoolOptions;
  private readonly slots: (Slot | null)[] = [];
  /** The committed snapshot: a new or replacement worker starts with it. */
  private snapshot: Snapshot | null = null;
  private seq = 0;
  private committedSeq = 0;
  private port: number;
  private httpsPort: number | null;
  private stopping = false;
  /** Workers replaced after exiting unexpectedly, since start. */
  restarts = 0;
  private flushId = 0;
  private readonly flushWaiters = new Map<number, { pending: number; done: () => void }>();
  private readonly appliedWaiters = new Set<() => void>();
  /** Upstream origins the health checker holds unhealthy; a new worker starts knowing them. */
  private readonly unhealthy = new Set<string>();
  /** Circuit-breaker and outlier state shared by all workers (as Envoy's worker threads share a cluster's). */
  readonly upstream: UpstreamSlots;

  constructor(options: WorkerPoolOptions) {
    this.options = options;
    this.port = options.port;
    this.upstream = new UpstreamSlots(options.count, options.log);
    this.httpsPort = options.httpsPort ?? null;
  }

  get proxyPort(): number {
    return this.port;
  }

  /** The HTTPS listener's port; null without one. */
  get proxyHttpsPort(): number | null {
    return this.httpsPort;
  }

  get liveWorkers(): number {
    return this.slots.filter((s) => s !== null && s.listening && !s.stopping).length;
  }

  /**
   * Starts the workers. The first one binds (with port 0 it picks the port); the others join
   * the same port with SO_REUSEPORT.
   */
  async start(snapshot: Snapshot | null): Promise<void> {
    await assertPortFree(this.options.host, this.port);
    if (this.httpsPort !== null) await assertPortFree(this.options.host, this.httpsPort);
    this.snapshot = snapshot;
    for (let i = 0; i < this.options.count; i++) {
      await this.spawn(i);
    }
  }

  private spawn(index: number): Promise<void> {
    const init: WorkerInit = {
      index,
      port: this.port,
      httpsPort: this.httpsPort,
      host: this.options.host,
      snapshot: this.snapshot,
      seq: this.committedSeq,
      statsIntervalMs: this.options.statsIntervalMs,
      unhealthy: [...this.unhealthy],
      accessLog: this.options.accessLog ?? { destination: "off", sampleRate: 0 },
      policies: this.options.policies,
      httpServer: this.options.httpServer ?? "lean",
      upstream: this.upstream.init,
      slots: this.upstream.assign(this.snapshot?.config ?? null),
    };
    const worker = new Worker(WORKER_URL, { workerData: init, name: `proxy-${index}` });
    const slot: Slot = { index, worker, listening: false, appliedSeq: this.committedSeq, preparedSeq: 0, failure: null, stopping: false };
    this.slots[index] = slot;

    return new Promise((resolve, reject) => {
      let settled = false;
      worker.on("message", (message: FromWorker) => {
        switch (message.type) {
          case "listening":
            slot.listening = true;
            if (this.port === 0) this.port = message.port;
            if (this.httpsPort === 0) this.httpsPort = message.httpsPort;
            if (!settled) { settled = true; resolve(); }
            return;
          case "listen-failed":
            if (!settled) { settled = true; reject(new Error(`proxy worker ${index} could not listen on ${this.options.host}:${this.port}: ${message.error}`)); }
            void worker.terminate();
            return;
          case "applied":
            slot.appliedSeq = Math.max(slot.appliedSeq, message.seq);
            this.notifyApplied();
            return;
          case "prepared":
            slot.preparedSeq = Math.max(slot.preparedSeq, message.seq);
            this.notifyApplied();
            return;
          case "apply-failed":
            slot.failure = { seq: message.seq, error: message.error };
            this.options.log("error", `proxy worker ${index} could not apply config: ${message.error}`);
            this.notifyApplied();
            return;
          case "stats":
            if (message.rows.length > 0 || message.events !== undefined || message.outlier !== undefined) this.options.onStats(message, index);
            if (message.id !== null) this.flushAnswered(message.id);
            return;
          case "drained":
            return;
        }
      });
      worker.on("error", (err) => {
        this.options.log("error", `proxy worker ${index} failed: ${err.stack ?? err.message}`);
      });
      worker.on("exit", (code) => {
        if (this.slots[index] === slot) this.slots[index] = null;
        // Whatever it still held of the shared counters goes back (it can't release it any more).
        this.upstream.reclaim(index);
        this.options.onWorkerExit?.(index);
        this.notifyApplied();
        for (const id of this.flushWaiters.keys()) this.flushAnswered(id);
        if (!settled) { settled = true; reject(new Error(`proxy worker ${index} exited (code ${code}) before listening`)); return; }
        if (this.stopping || slot.stopping) return;
        this.options.log("warn", `proxy worker ${index} exited (code ${code}); starting a replacement`);
        this.restarts++;
        setTimeout(() => {
          if (this.stopping) return;
          this.spawn(index).catch((e: Error) => this.options.log("error", e.message));
        }, RESTART_DELAY_MS).unref();
      });
    });
  }

  private send(slot: Slot, message: ToWorker): void {
    try {
      slot.worker.postMessage(message);
    } catch {
      // The worker is exiting; its replacement starts with the current snapshot.
    }
  }

  /** Ends one worker abruptly, as a crash would; the pool replaces it. For tests and fault drills. */
  async killWorker(index: number): Promise<void> {
    await this.slots[index]?.worker.terminate();
  }

  /** Tells every worker an active health check verdict. */
  setHealth(origin: string, healthy: boolean): void {
    if (healthy) this.unhealthy.delete(origin);
    else this.unhealthy.add(origin);
    for (const slot of this.slots) if (slot) this.send(slot, { type: "health", origin, healthy });
  }

  /**
   * Hands the snapshot to every worker in two phases: each compiles it (in parallel, while
   * still serving the old one), and only when all have does any swap, so a config a worker
   * refuses is applied by none. Resolves once all live workers serve it; rejects with the
   * first refusal (nothing swapped), `check`'s (run on this thread while the workers compile),
   * or after timeoutMs.
   */
  async apply(snapshot: Snapshot, options: { timeoutMs?: number; check?: () => string | null } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const seq = ++this.seq;
    const deadline = Date.now() + timeoutMs;
    const snapshotJson = JSON.stringify(snapshot);
    const slots = this.upstream.assign(snapshot.config);
    const preparing = this.liveSlots();
    for (const slot of preparing) this.send(slot, { type: "prepare", seq, snapshotJson, slots });
    try {
      // Runs here while the workers compile: a refusal discards what they prepared.
      const problem = options.check?.() ?? null;
      if (problem !== null) throw new Error(problem);
      await this.until(deadline, `workers did not compile config version ${snapshot.version} within ${timeoutMs} ms`, () => {
        const refused = preparing.find((s) => s.failure?.seq === seq);
        if (refused) throw new Error(refused.failure!.error);
        return preparing.every((s) => s.preparedSeq >= seq || this.slots[s.index] !== s);
      });
    } catch (e) {
      for (const slot of this.liveSlots()) this.send(slot, { type: "discard", seq });
      throw e;
    }
    this.snapshot = snapshot;
    this.committedSeq = seq;
    for (const slot of this.liveSlots()) {
      // A replacement started while the others compiled still runs the previous config.
      this.send(slot, preparing.includes(slot) ? { type: "commit", seq } : { type: "config", seq, snapshot, slots });
    }
    await this.until(deadline, `workers did not apply config version ${snapshot.version} within ${timeoutMs} ms`, () => this.liveSlots().every((s) => s.appliedSeq >= seq));
  }

  private liveSlots(): Slot[] {
    return this.slots.filter((s): s is Slot => s !== null && !s.stopping);
  }

  /** Resolves when `done` holds (re-checked on every worker answer or exit); rejects if it throws or at the deadline. */
  private until(deadline: number, timeoutMessage: string, done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        try {
          if (!done()) return;
          cleanup();
          resolve();
        } catch (e) {
          cleanup();
          reject(e);
        }
      };
      const timer = setTimeout(() => { cleanup(); reject(new Error(timeoutMessage)); }, Math.max(0, deadline - Date.now()));
      const cleanup = () => { clearTimeout(timer); this.appliedWaiters.delete(check); };
      this.appliedWaiters.add(check);
      check();
    });
  }

  private notifyApplied(): void {
    for (const check of [...this.appliedWaiters]) check();
  }

  /** Asks every worker for its latest counts; resolves when all answered (or after timeoutMs). */
  flushStats(timeoutMs = 250): Promise<void> {
    const live = this.slots.filter((s): s is Slot => s !== null && !s.stopping);
    if (live.length === 0) return Promise.resolve();
    const id = ++this.flushId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.flushWaiters.delete(id); resolve(); }, timeoutMs);
      this.flushWaiters.set(id, { pending: live.length, done: () => { clearTimeout(timer); resolve(); } });
      for (const slot of live) this.send(slot, { type: "flush", id });
    });
  }

  private flushAnswered(id: number): void {
    const waiter = this.flushWaiters.get(id);
    if (!waiter) return;
    waiter.pending--;
    if (waiter.pending <= 0) { this.flushWaiters.delete(id); waiter.done(); }
  }

  /** Stops accepting, lets in-flight requests finish (up to drainMs), then ends the workers. */
  async stop(drainMs: number): Promise<void> {
    this.stopping = true;
    const live = this.slots.filter((s): s is Slot => s !== null);
    await Promise.all(live.map((slot) => new Promise<void>((resolve) => {
      slot.stopping = true;
      const hard = setTimeout(() => { void slot.worker.terminate(); }, drainMs + 2_000);
      slot.worker.once("exit", () => { clearTimeout(hard); resolve(); });
      this.send(slot, { type: "drain", timeoutMs: drainMs });
    })));
  }
}
