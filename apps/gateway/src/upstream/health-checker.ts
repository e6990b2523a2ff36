import { request, type IncomingMessage } from "node:http";
import { connect as connectH2, type ClientHttp2Session } from "node:http2";
import { request as requestTls } from "node:https";
import type { GatewayConfig, HealthCheck } from "@switchyard/config";
import { probePolicy, resolveUpstreamTls, targetOrigin } from "@switchyard/routing";
import type { Logger } from "../log.ts";
import { GRPC_HEALTH_CHECK_PATH, grpcHealthRequest, grpcHealthStatus, SERVING } from "./grpc-health.ts";
import { tlsOrigin, upstreamTlsOptions, type UpstreamTlsOptions } from "./tls-options.ts";

interface Probe {
  origin: string;
  host: string;
  port: number;
  check: HealthCheck;
  /** The service speaks HTTP/2 (h2UpgradePolicy UPGRADE): probed over HTTP/2 (h2c, or h2 over TLS). */
  http2: boolean;
  /** The service speaks TLS (trafficPolicy.tls SIMPLE): probed over TLS, checked as requests are. */
  tls: UpstreamTlsOptions | null;
  healthy: boolean;
  passes: number;
  failures: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
}

/** A request that answers 200-399 within the timeout passes (a gRPC check: SERVING). */
function probeOnce(p: Probe): Promise<boolean> {
  if (p.check.grpc !== undefined) return probeOnceGrpc(p, p.check.grpc.service);
  if (p.http2) return probeOnceH2(p);
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => { if (!settled) { settled = true; resolve(ok); } };
    const options = { host: p.host, port: p.port, path: p.check.path, method: "GET", agent: false, timeout: p.check.timeoutMs,
      headers: { "user-agent": "switchyard-health-check", connection: "close" } } as const;
    const onResponse = (res: IncomingMessage) => {
      res.resume();
      done((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
    };
    const req = p.tls === null ? request(options, onResponse) : requestTls({ ...p.tls, ...options }, onResponse);
    req.on("timeout", () => { req.destroy(); done(false); });
    req.on("error", () => done(false));
    req.end();
  });
}

/** The same check over a fresh HTTP/2 connection (h2c, or TLS with ALPN h2), closed afterwards. */
function probeOnceH2(p: Probe): Promise<boolean> {
  return overH2(p, (session, done) => {
    const stream = session.request({ ":method": "GET", ":path": p.check.path, "user-agent": "switchyard-health-check" }, { endStream: true });
    stream.on("response", (headers) => {
      const status = Number(headers[":status"]);
      done(status >= 200 && status < 400);
    });
    stream.on("error", () => done(false));
  });
}

/**
 * grpc.health.v1.Health/Check over a fresh HTTP/2 connection: passes on grpc-status 0 (in the
 * trailers, or the only HEADERS frame) with a HealthCheckResponse that says SERVING.
 */
function probeOnceGrpc(p: Probe, service: string): Promise<boolean> {
  return overH2(p, (session, done) => {
    const stream = session.request({
      ":method": "POST", ":path": GRPC_HEALTH_CHECK_PATH, "content-type": "application/grpc", te: "trailers", "user-agent": "switchyard-health-check",
    });
    const chunks: Buffer[] = [];
    let grpcStatus: unknown;
    stream.on("response", (headers) => {
      if (Number(headers[":status"]) !== 200) done(false);
      grpcStatus = headers["grpc-status"]; // Trailers-Only
    });
    stream.on("trailers", (trailers) => { grpcStatus = trailers["grpc-status"]; });
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => done(grpcStatus === "0" && grpcHealthStatus(Buffer.concat(chunks)) === SERVING));
    stream.on("error", () => done(false));
    stream.end(grpcHealthRequest(service));
  });
}

/** Runs `probe` on a fresh HTTP/2 connection (h2c, or TLS with ALPN h2), closed once it is done or timed out. */
function overH2(p: Probe, probe: (session: ClientHttp2Session, done: (ok: boolean) => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const session = p.tls === null ? connectH2(p.origin) : connectH2(tlsOrigin(p.origin), { ...p.tls, ALPNProtocols: ["h2"] });
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), p.check.timeoutMs);
    session.on("error", () => done(false));
    probe(session, done);
  });
}

/**
 * Active HTTP (or gRPC) health checks, run once per gateway process (on the main thread) and shared with
 * every worker through `onChange`, so N workers don't mean N× probes. A target starts healthy,
 * goes unhealthy after `unhealthyThreshold` failed checks in a row and comes back after
 * `healthyThreshold` passing ones.
 */
export class HealthChecker {
  private readonly probes = new Map<string, Probe>();
  private readonly onChange: (origin: string, healthy: boolean) => void;
  private readonly log: Logger;
  private stopped = false;

  constructor(options: { onChange: (origin: string, healthy: boolean) => void; log: Logger }) {
    this.onChange = options.onChange;
    this.log = options.log;
  }

  /** Checks the targets of the services that configure a health check; forgets the others. */
  update(config: GatewayConfig | null): void {
    const wanted = new Map<string, { host: string; port: number; check: HealthCheck; http2: boolean; tls: UpstreamTlsOptions | null }>();
    for (const service of config?.services ?? []) {
      if (!service.healthCheck) continue;
      for (const t of service.targets) {
        const origin = targetOrigin(t.host, t.port);
        if (wanted.has(origin)) continue;
        // A subset's own policy (its targets speak TLS, say) applies to their probes too.
        const policy = probePolicy(service, t);
        const http2 = policy?.connectionPool?.http?.h2UpgradePolicy === "UPGRADE";
        const tls = resolveUpstreamTls(policy?.tls);
        wanted.set(origin, { host: t.host, port: t.port, check: service.healthCheck, http2, tls: tls === null ? null : upstreamTlsOptions(tls, t.host) });
      }
    }
    for (const [origin, p] of this.probes) {
      if (wanted.has(origin)) continue;
      if (p.timer) clearTimeout(p.timer);
      this.probes.delete(origin);
      if (!p.healthy) this.onChange(origin, true);
    }
    for (const [origin, w] of wanted) {
      const existing = this.probes.get(origin);
      if (existing) {
        const changedInterval = existing.check.intervalMs !== w.check.intervalMs;
        existing.check = w.check;
        existing.http2 = w.http2;
        existing.tls = w.tls;
        if (changedInterval && existing.timer && !existing.running) { clearTimeout(existing.timer); this.schedule(existing, 0); }
        continue;
      }
      const p: Probe = { origin, host: w.host, port: w.port, check: w.check, http2: w.http2, tls: w.tls, healthy: true, passes: 0, failures: 0, timer: null, running: false };
      this.probes.set(origin, p);
      this.schedule(p, 0);
    }
  }

  /** Origins currently held unhealthy (for a worker that starts later). */
  unhealthy(): string[] {
    return [...this.probes.values()].filter((p) => !p.healthy).map((p) => p.origin);
  }

  /** Every checked origin and its current verdict (for /metrics). */
  verdicts(): { origin: string; healthy: boolean }[] {
    return [...this.probes.values()].map((p) => ({ origin: p.origin, healthy: p.healthy }));
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.probes.values()) if (p.timer) clearTimeout(p.timer);
    this.probes.clear();
  }

  private schedule(p: Probe, delayMs: number): void {
    p.timer = setTimeout(() => void this.run(p), delayMs);
    p.timer.unref();
  }

  private async run(p: Probe): Promise<void> {
    p.timer = null;
    p.running = true;
    const ok = await probeOnce(p);
    p.running = false;
    if (this.stopped || this.probes.get(p.origin) !== p) return;
    if (ok) { p.passes++; p.failures = 0; } else { p.failures++; p.passes = 0; }
    if (p.healthy && p.failures >= p.check.unhealthyThreshold) {
      p.healthy = false;
      this.log("warn", `upstream ${p.origin} failed ${p.failures} health checks in a row; taking it out`);
      this.onChange(p.origin, false);
    } else if (!p.healthy && p.passes >= p.check.healthyThreshold) {
      p.healthy = true;
      this.log("info", `upstream ${p.origin} passed ${p.passes} health checks in a row; back in`);
      this.onChange(p.origin, true);
    }
    this.schedule(p, p.check.intervalMs);
  }
}
