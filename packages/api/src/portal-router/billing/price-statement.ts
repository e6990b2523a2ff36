import { priceRequests, type PriceModel } from "./price-model.ts";

export interface StatementPlan {
  id: string;
  name: string;
  model: PriceModel;
  currency: string;
}

export interface StatementInput {
  /** "YYYY-MM", UTC. */
  month: string;
  /** The plans the subscription was on, in order; endsAt null = still on it. */
  periods: { plan: StatementPlan; startsAt: number; endsAt: number | null }[];
  /** Billable requests per minute (epoch ms of the minute). */
  usage: { minute: number; requests: number }[];
}

export interface StatementLine {
  /** "YYYY-MM-DD" (UTC). */
  date: string;
  planName: string;
  requests: number;
  amountMicros: number;
}

export interface Statement {
  month: string;
  from: string;
  to: string;
  lines: StatementLine[];
  totalRequests: number;
  totalMicros: number;
  currency: string;
}

export function monthBounds(month: string): { start: number; end: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new Error(`Not a month: ${month}`);
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  return { start: Date.UTC(y, mo, 1), end: Date.UTC(y, mo + 1, 1) };
}

/**
 * A month's statement: usage inside the month (UTC) priced with the plan in effect at each
 * minute, itemized per day and plan. Tier positions count the month's requests across a plan
 * change, so changing plans mid-month does not restart the cheap (or expensive) first tier.
 */
export function priceStatement(input: StatementInput): Statement {
  const { start, end } = monthBounds(input.month);
  const usage = input.usage.filter((u) => u.minute >= start && u.minute < end && u.requests > 0).sort((a, b) => a.minute - b.minute);
  const lines = new Map<string, StatementLine>();
  let position = 0;
  let totalMicros = 0;
  for (const u of usage) {
    // Usage comes in whole minutes: a minute belongs to the plan in effect at its start, or, for the
    // minute a subscription began in, to the plan it began with.
    const period =
      input.periods.find((p) => u.minute >= p.startsAt && (p.endsAt === null || u.minute < p.endsAt)) ??
      input.periods.find((p) => p.startsAt > u.minute && p.startsAt < u.minute + 60_000);
    if (!period) continue;
    const amount = priceRequests(period.plan.model, position, u.requests);
    position += u.requests;
    totalMicros += amount;
    const date = new Date(u.minute).toISOString().slice(0, 10);
    const key = `${date}\u0000${period.plan.id}`;
    const line = lines.get(key) ?? { date, planName: period.plan.name, requests: 0, amountMicros: 0 };
    line.requests += u.requests;
    line.amountMicros += amount;
    lines.set(key, line);
  }
  return {
    month: input.month,
    from: new Date(start).toISOString().slice(0, 10),
    to: new Date(end - 1).toISOString().slice(0, 10),
    lines: [...lines.values()],
    totalRequests: position,
    totalMicros,
    currency: input.periods[0]?.plan.currency ?? "USD",
  };
}

/** The statement as CSV (RFC 4180 quoting), amounts in currency units. */
export function statementCsv(statement: Statement, appName: string): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const rows = [["app", "date", "plan", "requests", `amount_${statement.currency.toLowerCase()}`]];
  for (const l of statement.lines) rows.push([appName, l.date, l.planName, String(l.requests), (l.amountMicros / 1_000_000).toFixed(6)]);
  rows.push([appName, "total", "", String(statement.totalRequests), (statement.totalMicros / 1_000_000).toFixed(6)]);
  return rows.map((r) => r.map(q).join(",")).join("\n") + "\n";
}
