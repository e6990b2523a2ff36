"use client";

import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { MetricsPoint } from "@switchyard/api";
import { PageHeader } from "@/components/page-header.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Label } from "@/components/ui/label.tsx";
import { Select } from "@/components/ui/select.tsx";
import { cn } from "@/lib/cn.ts";
import { useTRPC } from "@/trpc/react.tsx";
import { CanaryView } from "./canary-view.tsx";
import { CHART_COLORS, CLASS_COLORS, errorRate, formatMs, formatRate, keysOf, rate } from "./chart-data.ts";
import { TimeSeriesChart } from "./time-series-chart.tsx";
import { useLiveMetrics } from "./use-live-metrics.ts";

type Range = "live" | "1h" | "24h" | "7d";
const RANGES: { value: Range; label: string }[] = [
  { value: "live", label: "Live" },
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
  { value: "7d", label: "7 d" },
];
const LIVE_WINDOW_SECONDS = 300;

function Stat({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <Card>
      <CardHeader className="pb-2 sm:pb-2">
        <CardDescription>{label}</CardDescription>
        <CardTitle className="text-2xl tabular-nums" data-testid={testId}>{value}</CardTitle>
      </CardHeader>
      {hint && <CardContent className="text-xs text-muted-foreground">{hint}</CardContent>}
    </Card>
  );
}

function ChartCard({ title, description, children }: { title: string; description: string; children: React.ReactNode }) {
  return (
    <Card>
      <CardHeader className="pb-2 sm:pb-2">
        <CardTitle>{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}

/** Totals over the last complete seconds (live) or the whole range (history). */
function summarize(points: MetricsPoint[], live: boolean) {
  const recent = live ? points.slice(-6, -1) : points;
  let requests = 0, errors = 0, seconds = 0, p95: number | null = null;
  for (const p of recent) {
    requests += p.requests;
    errors += p.errors;
    seconds += p.seconds;
    if (p.p95 !== null) p95 = Math.max(p95 ?? 0, p.p95);
  }
  const total = points.reduce((a, p) => a + p.requests, 0);
  return { rps: rate(requests, seconds), errorPct: requests === 0 ? null : (errors / requests) * 100, p95, total };
}

export function MetricsDashboard() {
  const trpc = useTRPC();
  const [range, setRange] = useState<Range>("live");
  const [route, setRoute] = useState("");
  const [service, setService] = useState("");
  const [subset, setSubset] = useState("");
  const routes = useQuery(trpc.routes.list.queryOptions());
  const services = useQuery(trpc.services.list.queryOptions());

  const filter = { route: route || undefined, service: service || undefined, subset: subset || undefined };
  const live = useLiveMetrics(filter, LIVE_WINDOW_SECONDS, range === "live");
  const history = useQuery(
    trpc.metrics.history.queryOptions(
      { range: range === "live" ? "1h" : range, route: filter.route, service: filter.service },
      { enabled: range !== "live", refetchInterval: 30_000 },
    ),
  );
  const isLive = range === "live";
  const points = isLive ? live.points : (history.data?.points ?? []);

  // The canary: the chosen route if it splits, else the first route that does.
  const splitRoutes = useMemo(
    () => (routes.data ?? []).map((r) => {
      const rule = r.rules.find((rule) => rule.destinations.length > 1);
      return rule ? { name: r.name, sides: rule.destinations.map((d) => ({ key: d.subset ? `${d.service}/${d.subset}` : d.service, weight: d.weight })) } : null;
    }).filter((x): x is { name: string; sides: { key: string; weight: number }[] } => x !== null),
    [routes.data],
  );
  const canary = splitRoutes.find((r) => r.name === route) ?? (route ? undefined : splitRoutes[0]);
  const canaryLive = useLiveMetrics({ route: canary?.name }, LIVE_WINDOW_SECONDS, isLive && canary !== undefined && canary.name !== route);
  const canaryHistory = useQuery(
    trpc.metrics.history.queryOptions({ range: range === "live" ? "1h" : range, route: canary?.name }, { enabled: !isLive && canary !== undefined && canary.name !== route, refetchInterval: 30_000 }),
  );
  const canaryPoints = canary?.name === route ? points : isLive ? canaryLive.points : (canaryHistory.data?.points ?? []);

  const classes = keysOf(points, (p) => p.byClass);
  const flags = keysOf(points, (p) => p.byFlag);
  // Every key on every row (0 when absent), so stacked areas stay continuous through quiet seconds.
  const data = points.map((p) => {
    const row: Record<string, number | null> = { t: p.t, rps: rate(p.requests, p.seconds), p50: p.p50, p95: p.p95, p99: p.p99, errorPct: errorRate(p) };
    for (const k of classes) row[`class_${k}`] = rate(p.byClass[k] ?? 0, p.seconds);
    for (const k of flags) row[`flag_${k}`] = rate(p.byFlag[k] ?? 0, p.seconds);
    return row;
  });
  const sum = summarize(points, isLive);
  const subsetOptions = services.data?.find((s) => s.name === service)?.subsets ?? [];
  const unit = isLive ? "/s" : "/s";

  return (
    <>
      <PageHeader
        title="Dashboard"
        description={isLive ? "Traffic through every connected gateway, updated every second." : `Per-minute rollups over the last ${range}.`}
        actions={
          <div role="radiogroup" aria-label="Time range" className="inline-flex rounded-md border bg-card p-0.5 shadow-xs">
            {RANGES.map((r) => (
              <button
                key={r.value}
                type="button"
                role="radio"
                aria-checked={range === r.value}
                data-testid={`range-${r.value}`}
                onClick={() => setRange(r.value)}
                className={cn("rounded px-3 py-1.5 text-sm font-medium transition-colors", range === r.value ? "bg-primary text-primary-foreground" : "text-muted-foreground hover:text-foreground")}
              >
                {r.value === "live" && <span className={cn("mr-1.5 inline-block size-1.5 rounded-full align-middle", live.status === "pending" ? "bg-success" : "bg-warning")} />}
                {r.label}
              </button>
            ))}
          </div>
        }
      />

      <div className="mb-6 grid gap-3 sm:grid-cols-3">
        <div className="grid gap-1.5">
          <Label htmlFor="f-route">Route</Label>
          <Select id="f-route" value={route} onChange={(e) => setRoute(e.target.value)} data-testid="filter-route">
            <option value="">All routes</option>
            {(routes.data ?? []).map((r) => <option key={r.name} value={r.name}>{r.name}</option>)}
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="f-service">Service</Label>
          <Select id="f-service" value={service} onChange={(e) => { setService(e.target.value); setSubset(""); }} data-testid="filter-service">
            <option value="">All services</option>
            {(services.data ?? []).map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="f-subset">Subset</Label>
          <Select id="f-subset" value={subset} onChange={(e) => setSubset(e.target.value)} disabled={!isLive || subsetOptions.length === 0} data-testid="filter-subset">
            <option value="">{isLive ? "All subsets" : "All subsets (live only)"}</option>
            {subsetOptions.map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
          </Select>
        </div>
      </div>

      {history.error && !isLive && <QueryError error={history.error} />}

      <div className="mb-6 grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat label="Requests / s" value={formatRate(sum.rps)} hint={isLive ? "last 5 seconds" : `average over ${range}`} testId="stat-rps" />
        <Stat label="p95 latency" value={formatMs(sum.p95)} hint={isLive ? "worst second of the last 5" : "worst bucket"} testId="stat-p95" />
        <Stat label="Error rate" value={sum.errorPct === null ? "–" : `${sum.errorPct.toFixed(2)}%`} hint="5xx and no response" testId="stat-errors" />
        <Stat label="Requests" value={sum.total.toLocaleString()} hint={isLive ? `last ${LIVE_WINDOW_SECONDS / 60} minutes` : `last ${range}`} testId="stat-total" />
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <ChartCard title="Requests per second" description="All responses, any status.">
          <TimeSeriesChart data={data} series={[{ key: "rps", label: "req/s", color: CHART_COLORS[0]! }]} unit={unit} withDate={!isLive} testId="chart-rps" />
        </ChartCard>
        <ChartCard title="Latency" description="Request duration percentiles, ms.">
          <TimeSeriesChart
            data={data}
            series={[{ key: "p50", label: "p50", color: CHART_COLORS[1]! }, { key: "p95", label: "p95", color: CHART_COLORS[2]! }, { key: "p99", label: "p99", color: CHART_COLORS[3]! }]}
            unit=" ms"
            withDate={!isLive}
            testId="chart-latency"
          />
        </ChartCard>
        <ChartCard title="Responses by status class" description="Per second, stacked.">
          <TimeSeriesChart data={data} stacked series={classes.map((c) => ({ key: `class_${c}`, label: c === "0xx" ? "no response" : c, color: CLASS_COLORS[c] ?? CHART_COLORS[4]! }))} unit={unit} withDate={!isLive} testId="chart-classes" />
        </ChartCard>
        <ChartCard title="Responses by flag" description="Gateway-made responses (NR, UH, UF, UT, UO, RL, …) per second.">
          {flags.length === 0 ? (
            <div className="flex h-[220px] items-center justify-center text-sm text-muted-foreground">No flagged responses in this window.</div>
          ) : (
            <TimeSeriesChart data={data} stacked series={flags.map((f, i) => ({ key: `flag_${f}`, label: f, color: CHART_COLORS[(i + 2) % CHART_COLORS.length]! }))} unit={unit} withDate={!isLive} testId="chart-flags" />
          )}
        </ChartCard>
      </div>

      {canary && (
        <div className="mt-6">
          <CanaryView route={canary.name} sides={canary.sides} points={canaryPoints} withDate={!isLive} />
        </div>
      )}
    </>
  );
}
