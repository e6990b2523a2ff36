import { z } from "zod";
import { DurationMs } from "./duration.ts";
import { LabelsSchema, NameSchema } from "./names.ts";

export const TargetSchema = z.object({
  host: z.string().min(1, "Host is required").max(253),
  port: z.number().int().min(1, "Port must be 1-65535").max(65535, "Port must be 1-65535"),
  weight: z.number().int().min(0, "Weight cannot be negative").max(1000).default(100),
  labels: LabelsSchema.default({}),
});
export type Target = z.infer<typeof TargetSchema>;

export const LoadBalancerSchema = z.object({
  type: z.enum(["round-robin", "least-request", "random"]).default("round-robin"),
});

export const TimeoutsSchema = z.object({
  /** TCP connect timeout (Istio connectionPool.tcp.connectTimeout, default 10s). */
  connectMs: DurationMs.optional(),
  /** Whole-request timeout including retries (Istio route timeout). */
  requestMs: DurationMs.optional(),
  /** Idle keep-alive time of pooled upstream connections. */
  idleMs: DurationMs.optional(),
});

export const TrafficPolicySchema = z.object({
  loadBalancer: LoadBalancerSchema.optional(),
  timeouts: TimeoutsSchema.optional(),
});
export type TrafficPolicy = z.infer<typeof TrafficPolicySchema>;

export const SubsetSchema = z.object({
  name: NameSchema,
  /** Targets whose labels include all of these belong to the subset (Istio DestinationRule subsets). */
  labels: LabelsSchema.refine((l) => Object.keys(l).length > 0, "A subset needs at least one label"),
  trafficPolicy: TrafficPolicySchema.optional(),
});
export type Subset = z.infer<typeof SubsetSchema>;

export const ServiceSchema = z.object({
  name: NameSchema,
  description: z.string().max(500).optional(),
  targets: z.array(TargetSchema).min(1, "A service needs at least one target"),
  subsets: z.array(SubsetSchema).default([]),
  trafficPolicy: TrafficPolicySchema.optional(),
});
export type Service = z.infer<typeof ServiceSchema>;
export type ServiceInput = z.input<typeof ServiceSchema>;
