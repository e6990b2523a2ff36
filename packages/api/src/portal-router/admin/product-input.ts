import { z } from "zod";
import { NameSchema } from "@switchyard/config";
import { PriceModelSchema } from "../billing/price-model.ts";

export const GuideSchema = z.object({ title: z.string().min(1).max(200), markdown: z.string().max(200_000) });
export type Guide = z.infer<typeof GuideSchema>;

/** A product as the admin form sends it; the slug is the consumer group at the gateway. */
export const ProductInputSchema = z.object({
  id: z.string().min(1).max(64).optional(),
  name: z.string().trim().min(1, "Name is required").max(120),
  slug: NameSchema.refine((s) => s !== "new", "\"new\" is reserved"),
  description: z.string().max(5_000).default(""),
  routes: z.array(NameSchema).max(200).default([]),
  /** YAML or JSON; validated with an OpenAPI parser before it is stored. Empty: none. */
  openapi: z.string().max(2_000_000).default(""),
  guides: z.array(GuideSchema).max(50).default([]),
  requiresApproval: z.boolean().default(false),
  published: z.boolean().default(true),
});
export type ProductInput = z.input<typeof ProductInputSchema>;

const Limit = z.number().int().min(1).max(1_000_000_000).nullable().default(null);

export const PlanInputSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    productId: z.string().min(1).max(64),
    name: z.string().trim().min(1, "Name is required").max(80),
    perSecond: Limit,
    perMinute: Limit,
    perHour: Limit,
    perDay: Limit,
    monthlyQuota: Limit,
    price: PriceModelSchema.default({ kind: "free" }),
    currency: z.string().regex(/^[A-Z]{3}$/, "A three-letter currency code").default("USD"),
  });
export type PlanInput = z.input<typeof PlanInputSchema>;
