import type { PlanView, PriceModel } from "@/lib/portal-types.ts";

/** Micro-units as money: two decimals for whole cents, more for sub-cent request prices. */
export function formatMicros(micros: number, currency = "USD"): string {
  const value = micros / 1_000_000;
  const digits = micros % 10_000 === 0 ? 2 : micros % 100 === 0 ? 4 : 6;
  return `${currency === "USD" ? "$" : `${currency} `}${value.toFixed(digits)}`;
}

export function priceSummary(price: PriceModel, currency: string): string {
  switch (price.kind) {
    case "free": return "Free";
    case "per-request": return `${formatMicros(price.unitMicros, currency)} per request`;
    case "tiers": return "Tiered per-request pricing";
  }
}

export function tierLines(price: PriceModel, currency: string): string[] {
  if (price.kind !== "tiers") return [];
  let from = 0;
  return price.tiers.map((t) => {
    const range = t.upTo === null ? `${(from + 1).toLocaleString("en")}+` : `${(from + 1).toLocaleString("en")}–${t.upTo.toLocaleString("en")}`;
    from = t.upTo ?? from;
    return `${range}: ${t.unitMicros === 0 ? "free" : `${formatMicros(t.unitMicros, currency)} each`}`;
  });
}

export function limitLines(plan: PlanView): string[] {
  const out: string[] = [];
  const n = (v: number) => v.toLocaleString("en");
  if (plan.perSecond !== null) out.push(`${n(plan.perSecond)} requests / second`);
  if (plan.perMinute !== null) out.push(`${n(plan.perMinute)} requests / minute`);
  if (plan.perHour !== null) out.push(`${n(plan.perHour)} requests / hour`);
  if (plan.perDay !== null) out.push(`${n(plan.perDay)} requests / day`);
  if (plan.monthlyQuota !== null) out.push(`${n(plan.monthlyQuota)} requests / month`);
  if (out.length === 0) out.push("No rate limit");
  return out;
}
