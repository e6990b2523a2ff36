import { z } from "zod";

/** Graduated tiers: requests up to `upTo` (cumulative in the month; null = no end) cost unitMicros each. */
export const PriceTierSchema = z.object({ upTo: z.number().int().min(1).nullable(), unitMicros: z.number().int().min(0).max(1_000_000_000) });
export type PriceTier = z.infer<typeof PriceTierSchema>;

export const PriceModelSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("free") }),
  z.object({ kind: z.literal("per-request"), unitMicros: z.number().int().min(0).max(1_000_000_000) }),
  z.object({
    kind: z.literal("tiers"),
    tiers: z.array(PriceTierSchema).min(1).superRefine((tiers, ctx) => {
      tiers.forEach((t, i) => {
        const last = i === tiers.length - 1;
        if (!last && t.upTo === null) ctx.addIssue({ code: "custom", path: [i, "upTo"], message: "Only the last tier may be open-ended" });
        const prev = i > 0 ? tiers[i - 1]!.upTo : 0;
        if (t.upTo !== null && prev !== null && t.upTo <= prev) ctx.addIssue({ code: "custom", path: [i, "upTo"], message: "Tiers must go up" });
      });
      if (tiers[tiers.length - 1]!.upTo !== null) ctx.addIssue({ code: "custom", path: [tiers.length - 1, "upTo"], message: "The last tier must be open-ended" });
    }),
  }),
]);
export type PriceModel = z.infer<typeof PriceModelSchema>;

/** Price of requests number (from+1)…(from+count) of the month, in micro-units. */
export function priceRequests(model: PriceModel, from: number, count: number): number {
  if (count <= 0) return 0;
  switch (model.kind) {
    case "free": return 0;
    case "per-request": return count * model.unitMicros;
    case "tiers": {
      let total = 0;
      let lower = 0;
      const to = from + count;
      for (const tier of model.tiers) {
        const upper = tier.upTo ?? Infinity;
        const overlap = Math.min(to, upper) - Math.max(from, lower);
        if (overlap > 0) total += overlap * tier.unitMicros;
        lower = upper;
        if (lower >= to) break;
      }
      return total;
    }
  }
}
