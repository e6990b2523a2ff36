import { describe, expect, it } from "vitest";
import { H2Pool, type H2Callbacks, type H2SharedLimits } from "./h2-pool.ts";
import { TLS_HANDSHAKE_FAILED } from "./tls-handshake-error.ts";

/** Counts like HostState does, in plain fields. */
function countingLimits(): H2SharedLimits & { sessions: number; waiting: number } {
  return {
    sessions: 0, waiting: 0,
    tryOpenSession(max, alone) { if (!alone && this.sessions >= max) return false; this.sessions++; return true; },
    sessionClosed() { this.sessions--; },
    tryWaitForStream(max) { if (this.waiting >= max) return false; this.waiting++; return true; },
    streamWaitEnded() { this.waiting--; },
  };
}

describe("H2Pool", () => {
  it("a session Node refuses to open (TLS options it can't load) fails the waiting request as a connect failure and gives its places back", async () => {
    const limits = countingLimits();
    const done: (Error | null)[] = [];
    const callbacks: H2Callbacks = { onHeaders: () => null, onTrailers: () => {}, onDone: (_ctx, err) => { done.push(err); } };
    const pool = new H2Pool({
      origin: "https://127.0.0.1:1", connectTimeoutMs: 1_000, maxConnections: 1, maxPending: 5, limits,
      maxConcurrentStreams: 100, maxRequestsPerConnection: 0, idleTimeoutMs: 1_000, bodyIdleTimeoutMs: 1_000,
      tls: { cert: "not a certificate", key: "not a key" },
    }, callbacks);
    expect(pool.admit()).toBe(true);
    pool.dispatch({}, { ":method": "GET", ":path": "/" }, null, 1_000);
    expect(done).toHaveLength(1);
    expect((done[0] as Error & { code?: string }).code).toBe(TLS_HANDSHAKE_FAILED);
    expect([limits.sessions, limits.waiting]).toEqual([0, 0]);
    pool.destroy();
  });
});
