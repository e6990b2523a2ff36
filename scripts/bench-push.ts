// `npm run bench:push`: publishes a 10,000-route config to a control plane (embedded PGlite) and
// measures how long until a real WebSocket data plane has it: received, gunzipped, parsed and
// validated with SnapshotSchema. Also reports frame sizes with and without gzip and how a burst
// of publishes is coalesced. With DATABASE_URL set, a fresh database on that Postgres server is
// used instead of PGlite. Numbers, not pass/fail.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { gunzipSync } from "node:zlib";
import { createTRPCClient, httpLink } from "@trpc/client";
import WebSocket from "ws";
import type { AppRouter } from "@switchyard/api";
import { DP_PROTOCOL_VERSION, SnapshotMessageSchema, type Snapshot } from "@switchyard/config";
import { startControlPlane } from "@switchyard/control-plane";
import { createTestDatabase } from "@switchyard/db/testing";
import { benchConfig } from "./bench/bench-config.ts";

const ROUTES = Number(process.env.BENCH_ROUTES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DP_TOKEN = "bench-push";
const PASSWORD = "bench-push-password";

interface Arrival {
  snapshot: Snapshot;
  /** performance.now() once parsed and validated. */
  at: number;
  bytes: number;
  decodeMs: number;
}

/** A data plane as the gateway's supervisor would be: hello, then decode + validate every snapshot, then ack. */
async function dataPlane(url: string, nodeId: string, gzip: boolean) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/dp`, { headers: { authorization: `Bearer ${DP_TOKEN}` }, maxPayload: 64 * 1024 * 1024 });
  const arrivals: Arrival[] = [];
  let waiter: { version: number; resolve: (a: Arrival) => void } | null = null;
  ws.on("message", (data, isBinary) => {
    const started = performance.now();
    const buffer = data as Buffer;
    const text = isBinary ? gunzipSync(buffer).toString("utf8") : buffer.toString("utf8");
    const snapshot = SnapshotMessageSchema.parse(JSON.parse(text)).snapshot;
    const at = performance.now();
    const arrival = { snapshot, at, bytes: buffer.length, decodeMs: at - started };
    arrivals.push(arrival);
    ws.send(JSON.stringify({ type: "ack", version: snapshot.version, hash: snapshot.hash }));
    if (waiter && snapshot.version >= waiter.version) {
      waiter.resolve(arrival);
      waiter = null;
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.send(
    JSON.stringify({
      type: "hello",
      protocol: DP_PROTOCOL_VERSION,
      nodeId,
      hostname: os.hostname(),
      labels: {},
      softwareVersion: "bench",
      appliedVersion: null,
      appliedHash: null,
      ...(gzip ? { accept: ["gzip"] } : {}),
    }),
  );
  return {
    arrivals,
    waitFor(version: number): Promise<Arrival> {
      const have = arrivals.find((a) => a.snapshot.version >= version);
      if (have) return Promise.resolve(have);
      return new Promise((resolve) => (waiter = { version, resolve }));
    },
    close: () => ws.close(),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sy-bench-push-"));
  const database = process.env.DATABASE_URL ? await createTestDatabase(process.env.DATABASE_URL) : null;
  const cp = await startControlPlane({ port: 0, dataDir: dir, databaseUrl: database?.url, adminPassword: PASSWORD, dpToken: DP_TOKEN, seed: "none", log: () => {} });
  try {
    const login = await fetch(`${cp.url}/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: PASSWORD }) });
    const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${cp.url}/trpc`, headers: { cookie } })] });

    const gz = await dataPlane(cp.url, "bench-gzip", true);
    const plain = await dataPlane(cp.url, "bench-plain", false);
    await new Promise((r) => setTimeout(r, 200));
    const base = benchConfig(9, ROUTES);
    console.log(`bench:push — ${ROUTES} routes, ${RUNS} publishes, control plane on ${database ? "Postgres" : "embedded PGlite"}, 2 data planes (gzip, plain JSON)`);

    const rows: { total: number; publish: number; push: number; decode: number; plainTotal: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      // Each publish changes one route's split, so every run is a new version of the full table.
      const config = { ...base, routes: base.routes!.map((r, i) => (i === run ? { ...r, rules: [{ destinations: [{ service: "bench", subset: "v1", weight: 50 + run }, { service: "bench", subset: "v2", weight: 50 - run }] }] } : r)) };
      const t0 = performance.now();
      const result = await api.config.replace.mutate({ config, message: `bench ${run}` });
      const published = performance.now();
      const [a, b] = await Promise.all([gz.waitFor(result.version), plain.waitFor(result.version)]);
      rows.push({ total: a.at - t0, publish: published - t0, push: a.at - published, decode: a.decodeMs, plainTotal: b.at - t0 });
    }
    const last = gz.arrivals.at(-1)!;
    const lastPlain = plain.arrivals.at(-1)!;
    console.log(`  publish → data plane has it (gzip):     median ${ms(median(rows.map((r) => r.total)))}  (runs: ${rows.map((r) => r.total.toFixed(0)).join(", ")} ms)`);
    console.log(`    of which publish call (validate, dry-run compile, hash, store): median ${ms(median(rows.map((r) => r.publish)))}`);
    console.log(`    of which push + gunzip + parse + SnapshotSchema:               median ${ms(median(rows.map((r) => r.push)))} (decode alone ${ms(median(rows.map((r) => r.decode)))})`);
    console.log(`  publish → data plane has it (plain JSON): median ${ms(median(rows.map((r) => r.plainTotal)))}`);
    console.log(`  frame size: gzip ${mib(last.bytes)} vs plain ${mib(lastPlain.bytes)} (${(lastPlain.bytes / last.bytes).toFixed(1)}× smaller)`);

    // Burst: ten publishes at once; a busy data plane only gets the newest pending one.
    const before = gz.arrivals.length;
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const config = { ...base, routes: base.routes!.map((r, j) => (j === 0 ? { ...r, description: `burst ${i}` } : r)) };
        return api.config.replace.mutate({ config, message: `burst ${i}` }).then((r) => r.version);
      }),
    );
    const newest = Math.max(...burst);
    await gz.waitFor(newest);
    await new Promise((r) => setTimeout(r, 300));
    console.log(`  burst of 10 concurrent publishes: the gzip data plane received ${gz.arrivals.length - before} snapshots, ending at version ${gz.arrivals.at(-1)!.snapshot.version} (newest ${newest})`);
    gz.close();
    plain.close();

    // A real gateway (2 workers) in its own process, as deployed: publish → pushed → schema
    // checked on its main thread → compiled by both workers (hash checked meanwhile) → swapped
    // in → acked, as /ready reports it.
    const adminPort = Number(process.env.BENCH_GATEWAY_ADMIN_PORT ?? 12601);
    const gateway = spawn(process.execPath, [path.join(import.meta.dirname, "../apps/gateway/src/main.ts")], {
      env: {
        ...process.env, SWITCHYARD_CP_URL: cp.url, SWITCHYARD_DP_TOKEN: DP_TOKEN, SWITCHYARD_WORKERS: "2",
        SWITCHYARD_PROXY_PORT: String(adminPort - 1), SWITCHYARD_ADMIN_PORT: String(adminPort), SWITCHYARD_CACHE_DIR: path.join(dir, "gateway"), SWITCHYARD_ACCESS_LOG: "off",
      },
      // Its log (a line per applied version) would drown the figures; it only matters if it fails to start.
      stdio: "ignore",
    });
    try {
      const readyVersion = async () => {
        try {
          return ((await (await fetch(`http://127.0.0.1:${adminPort}/ready`)).json()) as { version?: number }).version ?? 0;
        } catch {
          return 0;
        }
      };
      const first = (await api.config.current.query())!.version;
      const deadline = Date.now() + 60_000;
      while ((await readyVersion()) < first) {
        if (Date.now() > deadline || gateway.exitCode !== null) throw new Error("the gateway did not start (run apps/gateway/src/main.ts by hand to see why)");
        await new Promise((r) => setTimeout(r, 20));
      }
      const applied: { total: number; afterPublish: number }[] = [];
      for (let run = 0; run < RUNS; run++) {
        const config = { ...base, routes: base.routes!.map((r, i) => (i === run ? { ...r, description: `gateway run ${run}` } : r)) };
        const t0 = performance.now();
        const result = await api.config.replace.mutate({ config, message: `gateway ${run}` });
        const published = performance.now();
        while ((await readyVersion()) < result.version) await new Promise((r) => setTimeout(r, 5));
        applied.push({ total: performance.now() - t0, afterPublish: performance.now() - published });
      }
      console.log(`  publish → real gateway (own process, 2 workers) applied it: median ${ms(median(applied.map((a) => a.total)))}; after the publish call returned: median ${ms(median(applied.map((a) => a.afterPublish)))} (runs: ${applied.map((a) => a.afterPublish.toFixed(0)).join(", ")} ms)`);
    } finally {
      gateway.kill("SIGTERM");
      await new Promise((r) => gateway.once("exit", r));
    }
  } finally {
    await cp.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
