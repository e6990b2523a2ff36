import type { CompiledOutlierDetection } from "@switchyard/routing";
import {
  B_SINCE, B_UNTIL, STATE_EJECTED, STATE_EJECTING, STATE_IN_SERVICE, T_ACTIVE, T_CONSECUTIVE_5XX, T_CONSECUTIVE_GATEWAY,
  T_EJECTIONS, T_H2_QUEUED, T_H2_SESSIONS, T_QUEUED, T_STATE, TALLY_ACTIVE, TALLY_H2_QUEUED, TALLY_H2_SESSIONS, TALLY_QUEUED,
  incrementBelow, type UpstreamMemory,
} from "./upstream-memory.ts";
import { SlotRegistry } from "./slot-registry.ts";

/** Longest a worker's waiting request sleeps before looking for a free connection again (a wake-up is normally at once). */
const WAKE_POLL_MS = 50;

/** Atomics.waitAsync (Node has it; the ES2023 lib typings don't). */
type WaitAsync = (array: Int32Array, index: number, value: number, timeoutMs: number) =>
  { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Starts a request that waited for a connection and got one. */
export type StartWaiter = (waiter: object) => void;

/**
 * One upstream host (origin): requests in flight and connection permits, consecutive errors
 * and ejection. Shared by every worker of the process through the host's slot in the upstream
 * memory, so circuit breaking and outlier detection see the whole process (as in Envoy); kept
 * across config versions, so a push neither forgets an ejection nor the requests in flight.
 * Only the active health check verdict (`healthy`) is this worker's copy of the supervisor's.
 */
export class HostState {
  readonly origin: string;
  /** Active health check verdict (set by the process's health checker). */
  healthy = true;
  private readonly i32: Int32Array;
  private readonly at: number;
  private readonly big: BigInt64Array;
  private readonly bigAt: number;
  private readonly tally: Int32Array;
  private readonly tallyAt: number;
  private readonly ejecting: number;
  /** This worker's requests waiting for a connection, oldest first, with their limit and how to start them. */
  private readonly waiters: object[] = [];
  private readonly waiterMax: number[] = [];
  private readonly waiterStart: StartWaiter[] = [];
  private armed = false;

  constructor(origin: string, memory: UpstreamMemory, slot: number, worker: number) {
    this.origin = origin;
    this.i32 = memory.i32;
    this.at = memory.targetAt(slot);
    this.big = memory.big;
    this.bigAt = memory.bigAt(slot);
    this.tally = memory.tally;
    this.tallyAt = memory.targetTallyAt(slot);
    this.ejecting = STATE_EJECTING + worker;
  }

  /** Requests in flight to this host from all workers, sent or waiting (least-request). */
  get inflight(): number {
    return Atomics.load(this.i32, this.at + T_ACTIVE) + Atomics.load(this.i32, this.at + T_QUEUED);
  }

  /** Adds one to shared counter `field` unless it holds `max` already, and to this worker's tally of it. */
  private take(field: number, tallyField: number, max: number): boolean {
    if (!incrementBelow(this.i32, this.at + field, max)) return false;
    this.tally[this.tallyAt + tallyField]!++;
    return true;
  }

  /** Gives back one of shared counter `field` this worker took. */
  private give(field: number, tallyField: number): void {
    Atomics.sub(this.i32, this.at + field, 1);
    this.tally[this.tallyAt + tallyField]!--;
  }

  /** Takes a connection permit unless `max` requests are on this host's connections process-wide. */
  tryAcquire(max: number): boolean {
    return this.take(T_ACTIVE, TALLY_ACTIVE, max);
  }

  /** A permit without a limit (WebSocket handshakes are counted, never refused). */
  begin(): void {
    this.take(T_ACTIVE, TALLY_ACTIVE, Infinity);
  }

  /**
   * Gives a permit back. This worker's oldest waiting request takes it over when no other
   * worker has requests waiting; otherwise it goes back to all of them (they are woken).
   */
  release(): void {
    const i32 = this.i32;
    if (this.waiters.length > 0 && Atomics.load(i32, this.at + T_QUEUED) <= this.waiters.length) {
      this.unqueue(0, true);
      return;
    }
    this.give(T_ACTIVE, TALLY_ACTIVE);
    if (Atomics.load(i32, this.at + T_QUEUED) > 0) Atomics.notify(i32, this.at + T_ACTIVE);
  }

  /**
   * Queues a request for a connection unless `maxPending` already wait process-wide; `start`
   * runs once it holds a permit (from a release or a wake-up, never inside this call). False: overflow.
   */
  enqueue(waiter: object, maxConnections: number, maxPending: number, start: StartWaiter): boolean {
    if (!this.take(T_QUEUED, TALLY_QUEUED, maxPending)) return false;
    this.waiters.push(waiter);
    this.waiterMax.push(maxConnections);
    this.waiterStart.push(start);
    this.arm();
    return true;
  }

  /** Takes a waiting request out of the queue (timed out, client gone); false when it wasn't waiting. */
  dequeue(waiter: object): boolean {
    const k = this.waiters.indexOf(waiter);
    if (k === -1) return false;
    this.unqueue(k, false);
    return true;
  }

  /** Removes waiter k; with `start`, it holds a permit now and is started. */
  private unqueue(k: number, start: boolean): void {
    const waiter = this.waiters[k]!;
    const run = this.waiterStart[k]!;
    this.waiters.splice(k, 1);
    this.waiterMax.splice(k, 1);
    this.waiterStart.splice(k, 1);
    this.give(T_QUEUED, TALLY_QUEUED);
    if (start) run(waiter);
  }

  /** Sleeps (without blocking the thread) until a permit may have come free, then tries again. */
  private arm(): void {
    if (this.armed || this.waiters.length === 0) return;
    this.armed = true;
    const i = this.at + T_ACTIVE;
    const wait = waitAsync(this.i32, i, Atomics.load(this.i32, i), WAKE_POLL_MS);
    if (wait.async) void wait.value.then(this.wake);
    else setImmediate(this.wake);
  }

  private readonly wake = (): void => {
    this.armed = false;
    while (this.waiters.length > 0 && this.tryAcquire(this.waiterMax[0]!)) this.unqueue(0, true);
    this.arm();
  };

  /**
   * Counts an HTTP/2 connection about to open unless `max` are open process-wide; with `alone`
   * (the worker's pool has none, so its requests could never be served otherwise) it opens
   * anyway, as Envoy lets a per-worker pool without connections open one. Give it back with
   * sessionClosed() once it has closed.
   */
  tryOpenSession(max: number, alone: boolean): boolean {
    return this.take(T_H2_SESSIONS, TALLY_H2_SESSIONS, alone ? Infinity : max);
  }

  sessionClosed(): void {
    this.give(T_H2_SESSIONS, TALLY_H2_SESSIONS);
  }

  /** Takes a place among the requests waiting for a free HTTP/2 stream, unless `max` wait process-wide. */
  tryWaitForStream(max: number): boolean {
    return this.take(T_H2_QUEUED, TALLY_H2_QUEUED, max);
  }

  streamWaitEnded(): void {
    this.give(T_H2_QUEUED, TALLY_H2_QUEUED);
  }

  /** Ejected right now; an ejection whose time is over ends here (lazily, no timers). */
  isEjected(now: number): boolean {
    const state = Atomics.load(this.i32, this.at + T_STATE);
    if (state === STATE_IN_SERVICE) return false;
    if (state !== STATE_EJECTED) return true;
    if (now < Number(Atomics.load(this.big, this.bigAt + B_UNTIL))) return true;
    // The first worker to see the time is over brings the host back.
    if (Atomics.compareExchange(this.i32, this.at + T_STATE, STATE_EJECTED, STATE_IN_SERVICE) === STATE_EJECTED) {
      Atomics.store(this.i32, this.at + T_CONSECUTIVE_5XX, 0);
      Atomics.store(this.i32, this.at + T_CONSECUTIVE_GATEWAY, 0);
      Atomics.store(this.big, this.bigAt + B_SINCE, BigInt(now));
    }
    return false;
  }

  /** A response below 500: the error streaks end (written only when there is one, to keep the line clean). */
  recordSuccess(): void {
    const i32 = this.i32;
    if (Atomics.load(i32, this.at + T_CONSECUTIVE_5XX) !== 0) Atomics.store(i32, this.at + T_CONSECUTIVE_5XX, 0);
    if (Atomics.load(i32, this.at + T_CONSECUTIVE_GATEWAY) !== 0) Atomics.store(i32, this.at + T_CONSECUTIVE_GATEWAY, 0);
  }

  /** Counts an error; returns the 5xx streak (all workers together). */
  record5xx(): number {
    return Atomics.add(this.i32, this.at + T_CONSECUTIVE_5XX, 1) + 1;
  }

  /** Counts a gateway error (502, 503, 504, no response); returns that streak. */
  recordGatewayError(): number {
    return Atomics.add(this.i32, this.at + T_CONSECUTIVE_GATEWAY, 1) + 1;
  }

  /** A 5xx that isn't a gateway error ends the gateway-error streak. */
  endGatewayStreak(): void {
    if (Atomics.load(this.i32, this.at + T_CONSECUTIVE_GATEWAY) !== 0) Atomics.store(this.i32, this.at + T_CONSECUTIVE_GATEWAY, 0);
  }

  /**
   * Ejects the host for base × n (capped); n drops by one for every interval the host spent back
   * in service. Compare-and-swap from in-service, so two workers never both eject it; false when
   * it was already ejected (or being ejected).
   */
  eject(od: CompiledOutlierDetection, now: number): boolean {
    const i32 = this.i32, big = this.big;
    if (Atomics.compareExchange(i32, this.at + T_STATE, STATE_IN_SERVICE, this.ejecting) !== STATE_IN_SERVICE) return false;
    const since = Number(Atomics.load(big, this.bigAt + B_SINCE));
    const decayed = since === 0 ? 0 : Math.floor((now - since) / od.intervalMs);
    const n = Math.max(0, Atomics.load(i32, this.at + T_EJECTIONS) - decayed) + 1;
    Atomics.store(i32, this.at + T_EJECTIONS, n);
    Atomics.store(big, this.bigAt + B_SINCE, BigInt(now));
    // The end time is written before the state says ejected, so no reader sees an old one.
    Atomics.store(big, this.bigAt + B_UNTIL, BigInt(now + Math.min(od.baseEjectionMs * n, od.maxEjectionMs)));
    Atomics.store(i32, this.at + T_CONSECUTIVE_5XX, 0);
    Atomics.store(i32, this.at + T_CONSECUTIVE_GATEWAY, 0);
    Atomics.store(i32, this.at + T_STATE, STATE_EJECTED);
    return true;
  }

  /** Ejected until `until` (epoch ms), as if outlier detection had decided it (tests). */
  setEjectedUntil(until: number): void {
    Atomics.store(this.big, this.bigAt + B_UNTIL, BigInt(until));
    Atomics.store(this.i32, this.at + T_STATE, STATE_EJECTED);
  }

  /** Ends an ejection now (the next look brings the host back); nothing when not ejected. */
  endEjection(): void {
    if (Atomics.load(this.i32, this.at + T_STATE) === STATE_EJECTED) Atomics.store(this.big, this.bigAt + B_UNTIL, 1n);
  }
}

/** Host states of one worker, by origin, over the process's shared memory. */
export class HostRegistry extends SlotRegistry<HostState> {
  /** Verdicts received before the host was first used. */
  private readonly unhealthy = new Set<string>();

  /** `memory` null: every host gets private state (a worker without shared memory, tests). */
  constructor(memory: UpstreamMemory | null = null, worker = 0) {
    super("targets", memory, worker);
  }

  protected create(origin: string, memory: UpstreamMemory, slot: number, worker: number): HostState {
    const h = new HostState(origin, memory, slot, worker);
    h.healthy = !this.unhealthy.has(origin);
    return h;
  }

  setHealthy(origin: string, healthy: boolean): void {
    if (healthy) this.unhealthy.delete(origin);
    else this.unhealthy.add(origin);
    const h = this.existing(origin);
    if (!h) return;
    h.healthy = healthy;
    // A passing active check brings an ejected host back (Envoy's default).
    if (healthy) h.endEjection();
  }
}
