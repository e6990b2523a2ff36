import { LATENCY_BUCKET_COUNT, LATENCY_BUCKETS_MS, type StatsRow } from "@switchyard/config";
import type { EventMetric, OutlierRow, StatRow, WorkerStats } from "../messages.ts";
import { MetricsRegistry, type RegisteredCounter, type RegisteredGauge } from "./metrics-registry.ts";
import { formatValue, header, histogramLines, labelText } from "./prometheus-text.ts";

/** Exposed histogram bounds: every other fine bound (×2 steps), so exposition stays small but exact. */
const EXPOSED_FINE_INDEX = LATENCY_BUCKETS_MS.map((_, i) => i).filter((i) => i % 2 === 0);
const SECONDS_BOUNDS = EXPOSED_FINE_INDEX.map((i) => formatValue(LATENCY_BUCKETS_MS[i]! / 1000));
const MS_BOUNDS = EXPOSED_FINE_INDEX.map((i) => formatValue(LATENCY_BUCKETS_MS[i]!));

const LABELS = ["route", "service", "subset", "code", "flag", "consumer"] as const;
const ISTIO_LABELS = [
  "reporter", "source_workload", "source_workload_namespace", "source_app", "source_version", "source_canonical_service", "source_canonical_revision", "source_principal", "source_cluster",
  "destination_service", "destination_service_name", "destination_service_namespace", "destination_workload", "destination_workload_namespace",
  "destination_app", "destination_version", "destination_canonical_service", "destination_canonical_revision", "destination_principal", "destination_cluster",
  "request_protocol", "response_code", "grpc_response_status", "response_flags", "connection_security_policy",
] as const;

interface Series {
  labels: string;
  istioLabels: string;
  count: number;
  requestBytes: number;
  responseBytes: number;
  duration: Float64Array;
  durationSumMs: number;
  upstream: Float64Array;
  upstreamSumMs: number;
  upstreamCount: number;
}

interface Pending {
  row: StatsRow;
  latency: Float64Array;
}

function addSparse(into: Float64Array, sparse: readonly number[]): void {
  for (let i = 0; i + 1 < sparse.length; i += 2) into[sparse[i]!]! += sparse[i + 1]!;
}

function toSparse(dense: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) out.push(i, dense[i]!);
  return out;
}

export interface GatewayMetricsOptions {
  /** Also expose Istio-compatible series, so Istio's dashboards work unchanged. */
  istio?: boolean;
  /** Istio's source_workload for this gateway. */
  workload?: string;
  namespace?: string;
  softwareVersion?: string;
}

/**
 * Request counters and latency histograms merged from all workers (for /metrics, cumulative) and
 * the not-yet-sent deltas for the control plane, plus the gauges the supervisor knows.
 */
export class GatewayMetrics {
  readonly registry = new MetricsRegistry();
  private readonly series = new Map<string, Series>();
  private pending = new Map<string, Pending>();
  private readonly options: GatewayMetricsOptions;
  configVersion = 0;
  /** Epoch ms the served version was created at the control plane; null without config. */
  configCreatedAt: number | null = null;
  controlPlaneConnected = false;
  workers = 0;
  workerRestarts = 0;
  /** Event counters the workers report, by the metric name they use on the wire. */
  private readonly events: Record<EventMetric, RegisteredCounter>;
  private readonly ejected: RegisteredGauge;
  private readonly targetHealthy: RegisteredGauge;
  /** Each live worker's latest outlier rows; with shared outlier state they agree. */
  private readonly outlierByWorker = new Map<number, OutlierRow[]>();

  constructor(options: GatewayMetricsOptions = {}) {
    this.options = options;
    const r = this.registry;
    this.events = {
      retries: r.counter("switchyard_upstream_retries_total", "Retries sent upstream (tries after the first), by route and destination.", ["route", "service", "subset"]),
      ejections: r.counter("switchyard_outlier_ejections_total", "Upstream targets ejected by outlier detection.", ["service", "subset", "target"]),
      rate_limited: r.counter("switchyard_rate_limited_total", "Requests refused by a rate-limit policy, by route, policy and consumer (\"\" without one).", ["route", "policy", "consumer"]),
      auth_rejected: r.counter("switchyard_auth_rejected_total", "Requests refused by an authentication (401) or acl (403) policy, by reason: missing, invalid or forbidden.", ["route", "policy", "reason"]),
    };
    this.targetHealthy = r.gauge("switchyard_upstream_target_healthy", "Active health check verdict of an upstream target: 1 healthy, 0 failing (targets of services with a health check).", ["target"]);
    this.ejected = r.gauge("switchyard_outlier_ejected", "1 while outlier detection keeps the upstream target ejected, else 0 (targets of destinations with outlier detection).", ["service", "subset", "target"]);
  }

  /** Merges one worker's report: traffic rows, event counters, and its current outlier view. */
  addWorkerStats(stats: WorkerStats, worker: number): void {
    if (stats.rows.length > 0) this.addRows(stats.rows);
    for (const e of stats.events ?? []) this.events[e.metric]?.inc(e.labels, e.count);
    if (stats.outlier !== undefined) {
      this.outlierByWorker.set(worker, stats.outlier);
      this.refreshEjected();
    }
  }

  /** The health checker's verdicts, by origin (http://host:port → target host:port). */
  setTargetHealth(verdicts: readonly { origin: string; healthy: boolean }[]): void {
    this.targetHealthy.reset();
    for (const v of verdicts) this.targetHealthy.set([v.origin.replace(/^https?:\/\//, "")], v.healthy ? 1 : 0);
  }

  /** A worker is gone: its outlier view no longer counts. */
  forgetWorker(worker: number): void {
    if (this.outlierByWorker.delete(worker)) this.refreshEjected();
  }

  /** A target counts as ejected when any live worker holds it ejected. */
  private refreshEjected(): void {
    const merged = new Map<string, { labels: string[]; ejected: boolean }>();
    for (const rows of this.outlierByWorker.values()) {
      for (const row of rows) {
        const key = `${row.service}\u0000${row.subset}\u0000${row.target}`;
        const m = merged.get(key);
        if (m === undefined) merged.set(key, { labels: [row.service, row.subset, row.target], ejected: row.ejected });
        else m.ejected ||= row.ejected;
      }
    }
    this.ejected.reset();
    for (const m of merged.values()) this.ejected.set(m.labels, m.ejected ? 1 : 0);
  }

  addRows(rows: StatRow[]): void {
    for (const row of rows) {
      const key = `${row.route}\u0000${row.service}\u0000${row.subset}\u0000${row.code}\u0000${row.flag}\u0000${row.consumer}`;
      let s = this.series.get(key);
      if (!s) {
        s = {
          labels: labelText(LABELS, [row.route, row.service, row.subset, String(row.code), row.flag, row.consumer]),
          istioLabels: this.options.istio ? this.istioLabels(row) : "",
          count: 0, requestBytes: 0, responseBytes: 0,
          duration: new Float64Array(LATENCY_BUCKET_COUNT), durationSumMs: 0,
          upstream: new Float64Array(LATENCY_BUCKET_COUNT), upstreamSumMs: 0, upstreamCount: 0,
        };
        this.series.set(key, s);
      }
      s.count += row.count;
      s.requestBytes += row.requestBytes;
      s.responseBytes += row.responseBytes;
      s.durationSumMs += row.latencySumMs;
      addSparse(s.duration, row.latency);
      s.upstreamSumMs += row.upstreamSumMs;
      s.upstreamCount += row.upstreamCount;
      addSparse(s.upstream, row.upstream);
      this.mergePending(key, row);
    }
  }

  /** Puts rows taken with takePending back, when they could not be sent. */
  addPendingBack(rows: StatsRow[]): void {
    for (const row of rows) this.mergePending(`${row.route}\u0000${row.service}\u0000${row.subset}\u0000${row.code}\u0000${row.flag}\u0000${row.consumer}`, row);
  }

  private mergePending(key: string, row: StatsRow): void {
    {
      let p = this.pending.get(key);
      if (!p) {
        p = {
          row: { route: row.route, service: row.service, subset: row.subset, code: row.code, flag: row.flag, consumer: row.consumer, count: 0, requestBytes: 0, responseBytes: 0, latency: [], latencySumMs: 0 },
          latency: new Float64Array(LATENCY_BUCKET_COUNT),
        };
        this.pending.set(key, p);
      }
      p.row.count += row.count;
      p.row.requestBytes += row.requestBytes;
      p.row.responseBytes += row.responseBytes;
      p.row.latencySumMs += row.latencySumMs;
      addSparse(p.latency, row.latency);
    }
  }

  /** Rows merged since the previous call (what the control plane has not seen yet). */
  takePending(): StatsRow[] {
    const rows: StatsRow[] = [];
    for (const p of this.pending.values()) rows.push({ ...p.row, latency: toSparse(p.latency) });
    this.pending = new Map();
    return rows;
  }

  /** Sum of all request counters. */
  total(): number {
    let sum = 0;
    for (const s of this.series.values()) sum += s.count;
    return sum;
  }

  private istioLabels(row: StatRow): string {
    const o = this.options;
    const ns = o.namespace ?? "default";
    const workload = o.workload ?? "switchyard-gateway";
    const dest = row.service || "unknown";
    const revision = row.subset || "latest";
    return labelText(ISTIO_LABELS, [
      "source", workload, ns, workload, o.softwareVersion ?? "unknown", workload, o.softwareVersion ?? "latest", "unknown", "unknown",
      dest, dest, ns, dest, ns,
      dest, row.subset || "unknown", dest, revision, "unknown", "unknown",
      "http", String(row.code), "", row.flag || "-", "unknown",
    ]);
  }

  render(now = Date.now()): string {
    const lines: string[] = [];
    header(lines, "switchyard_http_requests_total", "counter", "HTTP requests handled by the proxy, by route, destination, status code, response flag and consumer.");
    for (const s of this.series.values()) lines.push(`switchyard_http_requests_total{${s.labels}} ${s.count}`);
    header(lines, "switchyard_http_request_duration_seconds", "histogram", "Time from receiving a request to the end of its response.");
    for (const s of this.series.values()) histogramLines(lines, "switchyard_http_request_duration_seconds", s.labels, s.duration, SECONDS_BOUNDS, EXPOSED_FINE_INDEX, s.count, s.durationSumMs / 1000);
    header(lines, "switchyard_upstream_duration_seconds", "histogram", "Time from sending a request upstream to its response headers.");
    for (const s of this.series.values()) {
      if (s.upstreamCount > 0) histogramLines(lines, "switchyard_upstream_duration_seconds", s.labels, s.upstream, SECONDS_BOUNDS, EXPOSED_FINE_INDEX, s.upstreamCount, s.upstreamSumMs / 1000);
    }
    header(lines, "switchyard_http_request_bytes_total", "counter", "Request body bytes received (declared Content-Length).");
    for (const s of this.series.values()) lines.push(`switchyard_http_request_bytes_total{${s.labels}} ${formatValue(s.requestBytes)}`);
    header(lines, "switchyard_http_response_bytes_total", "counter", "Response body bytes sent (upstream Content-Length or the gateway's own body).");
    for (const s of this.series.values()) lines.push(`switchyard_http_response_bytes_total{${s.labels}} ${formatValue(s.responseBytes)}`);

    header(lines, "switchyard_config_version", "gauge", "Version of the config this gateway is serving (0: none).");
    lines.push(`switchyard_config_version ${this.configVersion}`);
    header(lines, "switchyard_config_age_seconds", "gauge", "Seconds since the served config version was created (0: none).");
    lines.push(`switchyard_config_age_seconds ${this.configCreatedAt === null ? 0 : formatValue(Math.max(0, (now - this.configCreatedAt) / 1000))}`);
    header(lines, "switchyard_control_plane_connected", "gauge", "Whether the gateway is connected to its control plane (1) or not (0).");
    lines.push(`switchyard_control_plane_connected ${this.controlPlaneConnected ? 1 : 0}`);
    header(lines, "switchyard_workers", "gauge", "Proxy worker threads currently serving.");
    lines.push(`switchyard_workers ${this.workers}`);
    header(lines, "switchyard_worker_restarts_total", "counter", "Proxy workers replaced after exiting unexpectedly.");
    lines.push(`switchyard_worker_restarts_total ${this.workerRestarts}`);
    this.registry.render(lines);

    if (this.options.istio) this.renderIstio(lines);
    return lines.join("\n") + "\n";
  }

  private renderIstio(lines: string[]): void {
    header(lines, "istio_requests_total", "counter", "Requests, with Istio's standard labels.");
    for (const s of this.series.values()) lines.push(`istio_requests_total{${s.istioLabels}} ${s.count}`);
    header(lines, "istio_request_duration_milliseconds", "histogram", "Request duration in milliseconds, with Istio's standard labels.");
    for (const s of this.series.values()) histogramLines(lines, "istio_request_duration_milliseconds", s.istioLabels, s.duration, MS_BOUNDS, EXPOSED_FINE_INDEX, s.count, s.durationSumMs);
    // Sizes are summed per interval, not per request, so only the sum and count are meaningful.
    header(lines, "istio_request_bytes", "histogram", "Request body sizes, with Istio's standard labels.");
    for (const s of this.series.values()) histogramLines(lines, "istio_request_bytes", s.istioLabels, [], [], [], s.count, s.requestBytes);
    header(lines, "istio_response_bytes", "histogram", "Response body sizes, with Istio's standard labels.");
    for (const s of this.series.values()) histogramLines(lines, "istio_response_bytes", s.istioLabels, [], [], [], s.count, s.responseBytes);
  }
}
