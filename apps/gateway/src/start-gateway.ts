import { readFile } from "node:fs/promises";
import { availableParallelism, hostname } from "node:os";
import type { Snapshot } from "@switchyard/config";
import { hashConfig } from "@switchyard/config/hash";
import { filesBeside } from "@switchyard/config/files-beside";
import { parseConfigText } from "@switchyard/config/yaml";
import { formatFieldErrors } from "@switchyard/config";
import { startAdminServer } from "./admin/admin-server.ts";
import { GatewayMetrics } from "./admin/metrics.ts";
import type { MetricsRegistry } from "./admin/metrics-registry.ts";
import type { AccessLogOptions } from "./worker/access-log.ts";
import type { HttpServerKind } from "./messages.ts";
import { consoleLogger, type Logger } from "./log.ts";
import { ControlPlaneClient, type SnapshotOutcome } from "./supervisor/control-plane-client.ts";
import { resolveNodeId } from "./supervisor/node-identity.ts";
import { SnapshotCache } from "./supervisor/snapshot-cache.ts";
import { hashProblem, parseSnapshot, parseSnapshotSchema } from "./supervisor/validate-snapshot.ts";
import { WorkerPool } from "./supervisor/worker-pool.ts";
import { startPolicyShared } from "./policies/policy-shared.ts";
import { HealthChecker } from "./upstream/health-checker.ts";
import { SOFTWARE_VERSION } from "./version.ts";
import { refreshBuiltinPrototypes } from "./fast-prototypes.ts";

// Every import above has run: undo what loading them did to the built-in prototypes (the
// supervisor parses, checks and hashes every config it is sent).
refreshBuiltinPrototypes();

export interface GatewayOptions {
  /** Proxy port (default 8080); 0 picks a free one. */
  proxyPort?: number;
  proxyHost?: string;
  /** HTTPS proxy port, certificates from the config (SNI); 0 picks a free one; null/absent: off. */
  httpsPort?: number | null;
  /** Admin port (default 9901); 0 picks a free one. */
  adminPort?: number;
  adminHost?: string;
  /** Proxy worker threads (default: available parallelism). */
  workers?: number;
  /** Redis for rate-limit policies with `policy: redis` that name none (default redis://127.0.0.1:6379). */
  redisUrl?: string;
  /** Where snapshots come from, unless `snapshot` or `configFile` makes the gateway standalone. */
  controlPlane?: { url: string; token: string; minBackoffMs?: number; maxBackoffMs?: number } | null;
  /** Standalone: serve this snapshot; no control plane. */
  snapshot?: Snapshot | null;
  /** Standalone: serve this YAML/JSON config file; no control plane. */
  configFile?: string | null;
  /** Disk cache of the last applied snapshot and the node id; null disables it. */
  cacheDir?: string | null;
  nodeId?: string;
  labels?: Record<string, string>;
  /** How long in-flight requests may take to finish on stop (default 10 s). */
  drainTimeoutMs?: number;
  /** How often workers report counters (default 500 ms). */
  statsIntervalMs?: number;
  /** How often merged stats go to the control plane (default 1000 ms). */
  statsReportMs?: number;
  /** Expose Istio-compatible series on /metrics too. */
  istioMetrics?: boolean;
  /** Access log destination ("stdout", "off" or a file path) and sampling; default off. */
  accessLog?: AccessLogOptions;
  /** "node" serves plain HTTP with node:http alone, without the lean path in front (default "lean"). */
  httpServer?: HttpServerKind;
  logger?: Logger;
}

export interface RunningGateway {
  proxyPort: number;
  /** null without an HTTPS listener. */
  httpsPort: number | null;
  adminPort: number;
  nodeId: string;
  /** Where other parts register their counters and gauges for /metrics. */
  metrics: MetricsRegistry;
  stop(): Promise<void>;
}

async function standaloneSnapshot(options: GatewayOptions, log: Logger): Promise<Snapshot | null> {
  if (options.snapshot) {
    const parsed = parseSnapshot(options.snapshot);
    if (!parsed.ok) throw new Error(`standalone snapshot rejected: ${parsed.error}`);
    return parsed.snapshot;
  }
  if (options.configFile) {
    const result = parseConfigText(await readFile(options.configFile, "utf8"), { readFile: filesBeside(options.configFile) });
    if (!result.ok) throw new Error(`config file ${options.configFile} is invalid:\n${formatFieldErrors(result.errors)}`);
    // What an import (Kong, Kubernetes, Istio) could not carry over, as `switchyard validate` prints it.
    for (const warning of result.warnings) log("warn", `${options.configFile} (${result.format}): ${warning}`);
    const parsed = parseSnapshot({ version: 1, hash: hashConfig(result.config), createdAt: new Date().toISOString(), config: result.config });
    if (!parsed.ok) throw new Error(`config file ${options.configFile} rejected: ${parsed.error}`);
    return parsed.snapshot;
  }
  return null;
}

/**
 * Starts a gateway: proxy workers, the admin server, and (unless standalone) the control-plane
 * link. Serves the cached snapshot at once when there is one.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const log = options.logger ?? consoleLogger();
  const cacheDir = options.cacheDir ?? null;
  const cache = cacheDir === null ? null : new SnapshotCache(cacheDir);
  const nodeId = options.nodeId ?? (await resolveNodeId(cacheDir));
  const metrics = new GatewayMetrics({ istio: options.istioMetrics ?? false, softwareVersion: SOFTWARE_VERSION });
  const drainMs = options.drainTimeoutMs ?? 10_000;

  const standalone = await standaloneSnapshot(options, log);
  let current: Snapshot | null = standalone;
  if (!standalone && cache) {
    const cached = await cache.load();
    if (cached.snapshot) {
      current = cached.snapshot;
      log("info", `serving cached config version ${current.version} (${current.hash.slice(0, 12)}) while connecting`);
    } else {
      log("info", cached.reason);
    }
  }
  if (!standalone && !options.controlPlane) throw new Error("a control plane (url and token) is required unless a snapshot or config file is given");

  // Shared by every worker: exact local rate limits across threads, one JWKS fetcher per process.
  const policyShared = startPolicyShared({ redisUrl: options.redisUrl ?? "redis://127.0.0.1:6379", log });
  const workers = new WorkerPool({
    policies: policyShared.init,
    count: Math.max(1, options.workers ?? availableParallelism()),
    port: options.proxyPort ?? 8080,
    httpsPort: options.httpsPort ?? null,
    host: options.proxyHost ?? "0.0.0.0",
    statsIntervalMs: options.statsIntervalMs ?? 500,
    accessLog: options.accessLog,
    httpServer: options.httpServer,
    log,
    onStats: (stats, worker) => metrics.addWorkerStats(stats, worker),
    onWorkerExit: (worker) => metrics.forgetWorker(worker),
  });

  let client: ControlPlaneClient | null = null;
  const admin = await startAdminServer(options.adminHost ?? "127.0.0.1", options.adminPort ?? 9901, {
    notReadyReason: () => {
      if (workers.liveWorkers === 0) return "no proxy worker is listening";
      if (current === null) return client ? `no config applied yet (${client.status})` : "no config applied yet";
      return null;
    },
    readyInfo: () => ({ version: current?.version ?? null, hash: current?.hash ?? null, controlPlane: client ? client.status : "standalone" }),
    metrics: async () => {
      await workers.flushStats();
      metrics.configVersion = current?.version ?? 0;
      metrics.workers = workers.liveWorkers;
      metrics.controlPlaneConnected = client?.connected ?? false;
      metrics.workerRestarts = workers.restarts;
      metrics.setTargetHealth(health.verdicts());
      return metrics.render() + policyShared.metricsText();
    },
  });

  // Active health checks run here, once per process; workers get the verdicts.
  const health = new HealthChecker({ log, onChange: (origin, healthy) => workers.setHealth(origin, healthy) });
  health.update(current?.config ?? null);

  try {
    await workers.start(current);
  } catch (e) {
    health.stop();
    policyShared.stop();
    await workers.stop(0);
    await admin.close();
    throw e;
  }
  if (current) {
    metrics.configVersion = current.version;
    metrics.configCreatedAt = Date.parse(current.createdAt) || null;
  }
  const httpsNote = workers.proxyHttpsPort === null ? "" : ` (HTTPS on ${workers.proxyHttpsPort})`;
  log("info", `proxy listening on ${options.proxyHost ?? "0.0.0.0"}:${workers.proxyPort}${httpsNote} with ${options.workers ?? availableParallelism()} workers; admin on ${options.adminHost ?? "127.0.0.1"}:${admin.port}`);

  async function applySnapshot(raw: unknown): Promise<SnapshotOutcome> {
    const announced = raw as { version?: unknown; hash?: unknown } | null;
    const version = typeof announced?.version === "number" ? announced.version : 0;
    const hash = typeof announced?.hash === "string" ? announced.hash : "";
    // With no worker to compile it (all being replaced), the compile check runs here instead.
    const checked = workers.liveWorkers > 0 ? parseSnapshotSchema(raw) : parseSnapshot(raw);
    const refuse = (error: string): SnapshotOutcome => {
      log("error", `rejected config version ${version}; still serving ${current ? `version ${current.version}` : "no config"}: ${error}`);
      return { version, hash, error };
    };
    if (!checked.ok) return refuse(checked.error);
    const snapshot = checked.snapshot;
    if (current && current.version === snapshot.version && current.hash === snapshot.hash) return { version, hash, error: null };
    // The cache file is written while the workers compile, and only takes the new config's
    // place once they all run it.
    const staged = cache?.stage(snapshot).catch((e: Error) => { log("warn", `could not write the config cache in ${cacheDir}: ${e.message}`); return null; });
    try {
      await workers.apply(snapshot, { check: () => hashProblem(snapshot) });
    } catch (e) {
      void staged?.then((s) => s?.discard());
      return refuse((e as Error).message);
    }
    await (await staged)?.commit().catch((e: Error) => log("warn", `could not write the config cache in ${cacheDir}: ${e.message}`));
    current = snapshot;
    health.update(snapshot.config);
    metrics.configVersion = snapshot.version;
    metrics.configCreatedAt = Date.parse(snapshot.createdAt) || null;
    log("info", `applied config version ${snapshot.version} (${snapshot.hash.slice(0, 12)})`);
    return { version, hash, error: null };
  }

  if (!standalone && options.controlPlane) {
    client = new ControlPlaneClient({
      url: options.controlPlane.url,
      token: options.controlPlane.token,
      minBackoffMs: options.controlPlane.minBackoffMs,
      maxBackoffMs: options.controlPlane.maxBackoffMs,
      log,
      hello: () => ({
        nodeId,
        hostname: hostname(),
        labels: options.labels ?? {},
        softwareVersion: SOFTWARE_VERSION,
        appliedVersion: current?.version ?? null,
        appliedHash: current?.hash ?? null,
      }),
      onSnapshot: applySnapshot,
      onConnectionChange: (connected) => { metrics.controlPlaneConnected = connected; },
    });
    client.start();
  }

  // Once a second: collect the workers' latest counts and send the merged delta upstream. While
  // disconnected the deltas keep accumulating and go out as one interval on reconnect.
  const reportMs = options.statsReportMs ?? 1_000;
  let lastReport = Date.now();
  let reporting = false;
  const reporter = setInterval(() => {
    if (client === null || !client.connected || reporting) return;
    reporting = true;
    workers.flushStats().then(() => {
      const now = Date.now();
      const rows = metrics.takePending();
      if (client?.sendStats({ type: "stats", at: now, intervalMs: now - lastReport, rows }) === false) metrics.addPendingBack(rows);
      lastReport = now;
    }).finally(() => { reporting = false; });
  }, reportMs);
  reporter.unref();

  let stopping: Promise<void> | null = null;
  return {
    proxyPort: workers.proxyPort,
    httpsPort: workers.proxyHttpsPort,
    adminPort: admin.port,
    nodeId,
    metrics: metrics.registry,
    stop: () => {
      stopping ??= (async () => {
        clearInterval(reporter);
        log("info", `stopping: draining in-flight requests (up to ${drainMs} ms)`);
        await client?.stop();
        health.stop();
        await workers.stop(drainMs);
        policyShared.stop();
        await admin.close();
        log("info", "stopped");
      })();
      return stopping;
    },
  };
}
