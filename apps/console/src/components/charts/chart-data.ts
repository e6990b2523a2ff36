import type { MetricsPoint } from "@switchyard/api";

export const CHART_COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"];
export const CLASS_COLORS: Record<string, string> = {
  "2xx": "var(--chart-2)",
  "3xx": "var(--chart-1)",
  "4xx": "var(--chart-3)",
  "5xx": "var(--destructive)",
  "0xx": "var(--chart-4)",
  "1xx": "var(--chart-5)",
};

export function rate(count: number, seconds: number): number {
  return Math.round((count / Math.max(seconds, 1e-9)) * 100) / 100;
}

export function errorRate(p: { requests: number; errors: number }): number | null {
  return p.requests === 0 ? null : Math.round((p.errors / p.requests) * 10_000) / 100;
}

export function keysOf(points: MetricsPoint[], pick: (p: MetricsPoint) => Record<string, unknown>): string[] {
  const keys = new Set<string>();
  for (const p of points) for (const k of Object.keys(pick(p))) keys.add(k);
  return [...keys].sort();
}

export function formatTime(t: number, withDate = false): string {
  const d = new Date(t);
  const hm = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", ...(withDate ? {} : { second: "2-digit" }) });
  return withDate ? `${d.toLocaleDateString([], { month: "short", day: "numeric" })} ${hm}` : hm;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatRate(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString() : n.toFixed(n >= 10 ? 1 : 2);
}
