"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { SignInPrompt } from "@/components/portal/portal-shell.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Input } from "@/components/ui/input.tsx";
import { formatMicros } from "@/lib/portal-price.ts";
import { errorCode, errorMessage } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

/** "Nov 26, 14:05 UTC": when a plan took effect (billing is in UTC). */
function formatInstant(iso: string): string {
  const d = new Date(iso);
  return `${d.toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" })}, ${iso.slice(11, 16)} UTC`;
}

/** A monthly statement of one app: billable requests × price, itemized per API, day and plan. */
export function StatementPage({ appId, month }: { appId: string; month: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const statement = useQuery(trpc.portal.apps.statement.queryOptions({ appId, month }));
  if (errorCode(statement.error) === "UNAUTHORIZED") return <SignInPrompt what="statements" />;
  if (statement.isPending) return <p className="text-muted-foreground">Loading…</p>;
  if (statement.isError) return <p role="alert" className="text-destructive">{errorMessage(statement.error)}</p>;
  const s = statement.data;
  async function downloadCsv() {
    const { csv } = await queryClient.fetchQuery(trpc.portal.apps.statementCsv.queryOptions({ appId, month }));
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `statement-${s.app.name.replace(/[^A-Za-z0-9_-]+/g, "-")}-${month}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  }
  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <Link href="/portal/apps" className="text-sm text-muted-foreground hover:text-foreground">← My apps</Link>
          <h1 className="mt-2 text-2xl font-semibold tracking-tight">Statement · {s.app.name}</h1>
          <p className="mt-1 text-sm text-muted-foreground">Requests forwarded to the API (refused ones are not billed), priced with the plan in effect at the time.</p>
        </div>
        <div className="flex items-center gap-2">
          <Input type="month" aria-label="Month" value={month} onChange={(e) => e.target.value && router.push(`/portal/apps/${appId}/statement?month=${e.target.value}`)} className="w-44" />
          <Button variant="outline" onClick={() => void downloadCsv()} data-testid="download-csv">Download CSV</Button>
        </div>
      </div>
      {s.products.map((p) => (
        <section key={p.subscriptionId} className="rounded-xl border bg-card shadow-sm">
          <div className="border-b px-5 py-3">
            <h2 className="font-semibold">{p.product.name}</h2>
            {p.planPeriods.length > 1 && (
              <p className="mt-1 text-sm text-muted-foreground" data-testid="statement-plan-changes">
                Plan changed this month: {p.planPeriods.map((pp, i) => (
                  <span key={`${pp.planName}-${pp.from}`}>{i > 0 && " → "}<strong className="font-medium text-foreground">{pp.planName}</strong> from {formatInstant(pp.from)}</span>
                ))}. Each day lists the requests under the plan in effect (usage is counted per minute; a minute goes to the plan in effect when it began).
              </p>
            )}
          </div>
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-muted-foreground"><tr><th className="px-5 py-2">Date</th><th className="px-5 py-2">Plan</th><th className="px-5 py-2 text-right">Requests</th><th className="px-5 py-2 text-right">Amount</th></tr></thead>
            <tbody>
              {p.lines.length === 0 && <tr><td colSpan={4} className="px-5 py-3 text-muted-foreground">No billable requests this month.</td></tr>}
              {p.lines.map((l) => (
                <tr key={`${l.date}-${l.planName}`} className="border-t" data-testid="statement-line">
                  <td className="px-5 py-2">{l.date}</td><td className="px-5 py-2">{l.planName}</td>
                  <td className="px-5 py-2 text-right tabular-nums">{l.requests.toLocaleString("en")}</td>
                  <td className="px-5 py-2 text-right tabular-nums">{formatMicros(l.amountMicros, p.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      <div className="flex justify-end gap-8 rounded-xl border bg-card px-5 py-4 text-sm shadow-sm">
        <span>Requests <strong className="tabular-nums" data-testid="statement-requests">{s.totalRequests.toLocaleString("en")}</strong></span>
        <span>Total <strong className="tabular-nums" data-testid="statement-total">{formatMicros(s.totalMicros, s.currency)}</strong></span>
      </div>
    </div>
  );
}
