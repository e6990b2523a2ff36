import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPace, hasCompiler, runPace, type PaceResult } from "./pace.ts";

const PORT = 12410;
const RATE = 500;
const SECONDS = 1;
const STALL_MS = 50;

// pace.c is built with the system C compiler at bench time; CI images have one.
describe.skipIf(!hasCompiler)(hasCompiler ? "pace (open-loop load generator)" : "pace: skipped, no C compiler (cc or $CC) on PATH", () => {
  let server: http.Server;
  let binary: string;
  const buildDir = mkdtempSync(path.join(os.tmpdir(), "pace-test-"));
  const served = new Map<string, number>();
  let stallWindow: { from: number; until: number } | null = null;
  let firstStallRequest = 0;

  beforeAll(async () => {
    binary = buildPace(buildDir)!;
    server = http.createServer((req, res) => {
      served.set(req.url!, (served.get(req.url!) ?? 0) + 1);
      req.resume();
      switch (req.url) {
        case "/length": {
          const body = JSON.stringify({ service: "bench", version: "v1" });
          res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
          res.end(body);
          return;
        }
        case "/chunked": // several chunks, one larger than a read, and a trailer
          res.writeHead(200, { "content-type": "text/plain", trailer: "x-checksum" });
          res.write("first;");
          res.write("x".repeat(70_000));
          res.addTrailers({ "x-checksum": "abc" });
          res.end("last");
          return;
        case "/error":
          res.writeHead(500, { "content-length": 4 });
          res.end("boom");
          return;
        case "/drop": // the connection dies with the request unanswered
          req.socket.destroy();
          return;
        case "/close": // no keep-alive: every response ends its connection
          res.writeHead(200, { connection: "close", "content-length": 2 });
          res.end("ok");
          return;
        case "/stall": {
          // Once, 400 ms into the run, the server stops answering for STALL_MS: every request that
          // arrives in that window is held until it ends (a GC pause, a blocked event loop).
          const now = performance.now();
          if (!firstStallRequest) firstStallRequest = now;
          if (!stallWindow && now - firstStallRequest >= 400) stallWindow = { from: now, until: now + STALL_MS };
          const hold = stallWindow && now < stallWindow.until ? stallWindow.until - now : 0;
          setTimeout(() => res.writeHead(200, { "content-length": 2 }).end("ok"), hold);
          return;
        }
        default:
          res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(PORT, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(buildDir, { recursive: true, force: true });
  });

  const url = (p: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`;
  const run = (p: string, connections: number, env?: NodeJS.ProcessEnv) =>
    runPace(binary, url(p), { rate: RATE, seconds: SECONDS, connections, headers: { authorization: "Bearer token" }, env: env && { ...process.env, ...env } });

  function expectOnSchedule(r: PaceResult) {
    expect(r.scheduled).toBe(RATE * SECONDS);
    expect(r.requests).toBeGreaterThanOrEqual(RATE * SECONDS * 0.9);
    expect(r.requests).toBeLessThanOrEqual(RATE * SECONDS * 1.1);
    expect(r.rps).toBeGreaterThan(RATE * 0.9);
    expect(r.rps).toBeLessThan(RATE * 1.1);
  }

  it("keeps the rate, frames Content-Length, chunked and close-delimited bodies, counts errors and corrects for a stall", { timeout: 15_000 }, async () => {
    // One second each, side by side; the chunked run uses the timerfd path older kernels take.
    const [length, chunked, close, error, drop, stall] = await Promise.all([
      run("/length", 4),
      run("/chunked", 4, { PACE_TIMERFD: "1" }),
      run("/close", 4),
      run("/error", 4),
      run("/drop", 4),
      // Two connections: while both are held by the stall, the requests that fall due wait in the
      // client; their latency runs from when they were due, not from when they could be written.
      run("/stall", 2),
    ]);

    for (const r of [length, chunked, close]) {
      expectOnSchedule(r);
      expect(r.errors.total).toBe(0);
      expect(r.status["2xx"]).toBe(r.requests);
      // Every response was framed right: one request per response, nothing lost or misread.
      expect(served.get(new URL(r.url).pathname)).toBe(r.requests);
      const l = r.latencyMs!; // histogram read back in order
      expect([l.p50, l.p90, l.p99, l.p999, l.max]).toEqual([l.p50, l.p90, l.p99, l.p999, l.max].sort((a, b) => a - b));
      expect(r.wakeLagMs).not.toBeNull(); // the pacing timer ran (epoll_pwait2 or timerfd)
    }
    expect(length.reconnects).toBe(0);
    expect(close.reconnects).toBe(close.requests);

    expectOnSchedule(error);
    expect(error.errors.non2xx).toBe(error.requests);
    expect(error.status["2xx"]).toBe(0);
    expect(error.errors.total).toBe(error.requests);

    // Dropped connections are socket errors, re-opened; every scheduled request is accounted for.
    expect(drop.scheduled).toBe(RATE * SECONDS);
    expect(drop.requests).toBe(0);
    expect(drop.errors.read + drop.errors.write).toBeGreaterThanOrEqual(RATE * SECONDS * 0.9);
    expect(drop.errors.read + drop.errors.write + drop.errors.timeout + drop.errors.protocol + drop.errors.unsent).toBe(drop.scheduled);
    expect(drop.reconnects).toBeGreaterThanOrEqual(drop.errors.read + drop.errors.write);

    expectOnSchedule(stall);
    expect(stall.errors.total).toBe(0);
    expect(stallWindow).not.toBeNull();
    // ~25 requests fall due during a 50 ms stall at 500 req/s, the first one waiting it all out:
    // corrected, that puts about 5% of requests between 0 and 50 ms, so p99 is well into it.
    expect(stall.latencyMs!.max).toBeGreaterThanOrEqual(STALL_MS - 1);
    expect(stall.latencyMs!.p99).toBeGreaterThanOrEqual(STALL_MS * 0.6);
    expect(stall.sendLagMs!.max).toBeGreaterThanOrEqual(STALL_MS * 0.6);
    // Measured from the write (closed-loop style), only the two held requests saw the stall.
    expect(stall.serviceMs!.p99).toBeLessThan(stall.latencyMs!.p99);
  });

  it("exits with an error when no connection can be opened", { timeout: 10_000 }, async () => {
    await expect(runPace(binary, "http://127.0.0.1:12411/", { rate: 100, seconds: 0.2, connections: 2 })).rejects.toThrow(/could not connect/);
  });
});
