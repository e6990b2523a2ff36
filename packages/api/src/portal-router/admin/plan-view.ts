import type { Plan } from "@switchyard/db";
import { PriceModelSchema, type PriceModel } from "../billing/price-model.ts";

export interface PlanView {
  id: string;
  productId: string;
  name: string;
  perSecond: number | null;
  perMinute: number | null;
  perHour: number | null;
  perDay: number | null;
  monthlyQuota: number | null;
  price: PriceModel;
  currency: string;
}

/** The stored columns as one price model; a row that doesn't parse reads as free rather than failing a page. */
export function planPrice(plan: Pick<Plan, "priceModel" | "pricePerRequestMicros" | "tiers">): PriceModel {
  const raw = plan.priceModel === "per-request" ? { kind: "per-request", unitMicros: plan.pricePerRequestMicros } : plan.priceModel === "tiers" ? { kind: "tiers", tiers: plan.tiers } : { kind: "free" };
  const parsed = PriceModelSchema.safeParse(raw);
  return parsed.success ? parsed.data : { kind: "free" };
}

export function toPlanView(plan: Plan): PlanView {
  return {
    id: plan.id,
    productId: plan.productId,
    name: plan.name,
    perSecond: plan.perSecond,
    perMinute: plan.perMinute,
    perHour: plan.perHour,
    perDay: plan.perDay,
    monthlyQuota: plan.monthlyQuota,
    price: planPrice(plan),
    currency: plan.currency,
  };
}
