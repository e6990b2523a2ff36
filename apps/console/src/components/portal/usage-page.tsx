"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { SignInPrompt } from "@/components/portal/portal-shell.tsx";
import { Select } from "@/components/ui/select.tsx";
import { errorCode, errorMessage } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

/** A developer's usage per day (from the gateway's counts), per app and API. */
export function UsagePage() {
  const trpc = useTRPC();
  const [days, setDays] = useState(7);
  const [which, setWhich] = useState("all");
  const usage = useQuery({ ...trpc.portal.apps.usage.queryOptions({ days }), refetchInterval: 10_000 });
  if (errorCode(usage.error) === "UNAUTHORIZED") return <SignInPrompt what="your usage" />;
  if (usage.isPending) return <p className="text-muted-foreground">Loading…</p>;
  if (usage.isError) return <p role="alert" className="text-destructive">{errorMessage(usage.error)}</p>;
  const series = which === "all" ? null : usage.data.series.find((s) => s.subscriptionId === which);
  const points = (series ? series.days : usage.data.totals).map((d) => ({ date: d.date.slice(5), Successful: d.requests - d.errors, Errors: d.errors - d.rateLimited, "Rate limited": d.rateLimited }));
  const total = (series ? series.days : usage.data.totals).reduce((n, d) => n + d.requests, 0);
  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Usage</h1>
          <p className="mt-1 text-sm text-muted-foreground">Requests counted by the gateway, per day (UTC). Finished minutes appear within a minute.</p>
        </div>
        <div className="flex gap-2">
          <Select aria-label="App and API" value={which} onChange={(e) => setWhich(e.target.value)} className="w-64">
            <option value="all">All apps and APIs</option>
            {usage.data.series.map((s) => <option key={s.subscriptionId} value={s.subscriptionId}>{s.app.name} · {s.product.name}</option>)}
          </Select>
          <Select aria-label="Days" value={String(days)} onChange={(e) => setDays(Number(e.target.value))} className="w-32">
            <option value="7">7 days</option><option value="30">30 days</option><option value="90">90 days</option>
          </Select>
        </div>
      </div>
      <div className="rounded-xl border bg-card p-5 shadow-sm">
        <p className="text-sm text-muted-foreground">Total requests</p>
        <p className="text-3xl font-semibold" data-testid="usage-total">{total.toLocaleString("en")}</p>
        <div className="mt-4 h-72" data-testid="usage-chart">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={points}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="date" fontSize={12} stroke="var(--muted-foreground)" />
              <YAxis allowDecimals={false} fontSize={12} stroke="var(--muted-foreground)" />
              <Tooltip contentStyle={{ background: "var(--card)", border: "1px solid var(--border)", borderRadius: 8 }} />
              <Legend />
              <Bar dataKey="Successful" stackId="a" fill="var(--chart-1)" />
              <Bar dataKey="Errors" stackId="a" fill="var(--chart-5)" />
              <Bar dataKey="Rate limited" stackId="a" fill="var(--chart-3)" />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </div>
      <table className="w-full rounded-xl border bg-card text-sm shadow-sm" aria-label="Usage by app and API">
        <thead className="text-left text-xs text-muted-foreground"><tr><th className="p-3">App</th><th className="p-3">API</th><th className="p-3">Plan</th><th className="p-3">Status</th><th className="p-3 text-right">Requests</th><th className="p-3 text-right">Errors</th></tr></thead>
        <tbody>
          {usage.data.series.map((s) => (
            <tr key={s.subscriptionId} className="border-t" data-testid={`usage-row-${s.product.slug}`}>
              <td className="p-3">{s.app.name}</td><td className="p-3">{s.product.name}</td><td className="p-3">{s.plan}</td><td className="p-3">{s.status}</td>
              <td className="p-3 text-right tabular-nums" data-testid="usage-requests">{s.total.toLocaleString("en")}</td>
              <td className="p-3 text-right tabular-nums">{s.days.reduce((n, d) => n + d.errors, 0).toLocaleString("en")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
