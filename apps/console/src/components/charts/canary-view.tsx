"use client";

import type { MetricsPoint } from "@switchyard/api";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { CHART_COLORS, errorRate, formatMs, formatRate, rate } from "./chart-data.ts";
import { TimeSeriesChart } from "./time-series-chart.tsx";

/** Each side of a split (service/subset) next to the others: rate, error rate and p95 over time. */
export function CanaryView({ route, sides, points, withDate }: { route: string; sides: { key: string; weight: number }[]; points: MetricsPoint[]; withDate: boolean }) {
  const total = sides.reduce((a, s) => a + s.weight, 0) || 1;
  const recent = points.slice(withDate ? 0 : -6, withDate ? undefined : -1);
  return (
    <Card data-testid="canary-view">
      <CardHeader>
        <CardTitle>Canary: {route}</CardTitle>
        <CardDescription>Each destination of the split side by side — request rate, errors and p95 latency.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 lg:grid-cols-2">
        {sides.map((side, i) => {
          const color = CHART_COLORS[i % CHART_COLORS.length]!;
          const data = points.map((p) => {
            const s = p.bySubset[side.key];
            return { t: p.t, rps: rate(s?.requests ?? 0, p.seconds), errors: s ? errorRate(s) : null, p95: s?.p95 ?? null };
          });
          let req = 0, err = 0, secs = 0;
          for (const p of recent) { req += p.bySubset[side.key]?.requests ?? 0; err += p.bySubset[side.key]?.errors ?? 0; secs += p.seconds; }
          const p95s = recent.map((p) => p.bySubset[side.key]?.p95).filter((v): v is number => typeof v === "number");
          return (
            <div key={side.key} className="rounded-lg border p-4" data-testid={`canary-side-${side.key}`}>
              <div className="mb-3 flex items-baseline justify-between gap-2">
                <div className="flex items-center gap-2 font-medium">
                  <span className="size-2.5 rounded-full" style={{ background: color }} />
                  {side.key}
                </div>
                <span className="text-xs text-muted-foreground">weight {Math.round((side.weight / total) * 100)}%</span>
              </div>
              <dl className="mb-3 grid grid-cols-3 gap-2 text-sm">
                <div><dt className="text-xs text-muted-foreground">req/s</dt><dd className="font-semibold tabular-nums">{formatRate(rate(req, secs))}</dd></div>
                <div><dt className="text-xs text-muted-foreground">errors</dt><dd className="font-semibold tabular-nums">{req === 0 ? "–" : `${((err / req) * 100).toFixed(1)}%`}</dd></div>
                <div><dt className="text-xs text-muted-foreground">p95</dt><dd className="font-semibold tabular-nums">{formatMs(p95s.length ? Math.max(...p95s) : null)}</dd></div>
              </dl>
              <p className="text-xs text-muted-foreground">Requests per second</p>
              <TimeSeriesChart data={data} series={[{ key: "rps", label: "req/s", color }]} unit="/s" height={110} withDate={withDate} />
              <p className="mt-2 text-xs text-muted-foreground">p95 latency</p>
              <TimeSeriesChart data={data} series={[{ key: "p95", label: "p95", color }]} unit=" ms" height={110} withDate={withDate} />
              <p className="mt-2 text-xs text-muted-foreground">Error rate</p>
              <TimeSeriesChart data={data} series={[{ key: "errors", label: "errors", color: "var(--destructive)" }]} unit="%" height={90} withDate={withDate} />
            </div>
          );
        })}
      </CardContent>
    </Card>
  );
}
