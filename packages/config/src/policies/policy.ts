import { z } from "zod";
import { NameSchema } from "../names.ts";
import { AclConfigSchema, BasicAuthConfigSchema, JwtConfigSchema, KeyAuthConfigSchema } from "./auth-policies.ts";
import {
  CorsConfigSchema,
  IpRestrictionConfigSchema,
  RequestSizeLimitConfigSchema,
  RequestTerminationConfigSchema,
  RequestTransformerConfigSchema,
  ResponseTransformerConfigSchema,
} from "./edge-policies.ts";
import { PolicyScopeSchema } from "./policy-scope.ts";
import { ProxyCacheConfigSchema } from "./proxy-cache-policy.ts";
import { RateLimitConfigSchema } from "./rate-limit-policy.ts";

/** Fields every policy has; `config` is the Kong plugin's config block for its type. */
const base = {
  name: NameSchema,
  enabled: z.boolean().default(true),
  scope: PolicyScopeSchema.prefault({ kind: "global" }),
};

const member = <T extends string, C extends z.ZodType>(type: T, config: C) =>
  z.strictObject({ type: z.literal(type), ...base, config: config.prefault({} as z.input<C>) });

/** A policy (Kong plugin / Envoy filter): a discriminated union on `type`. */
export const PolicySchema = z.discriminatedUnion("type", [
  member("key-auth", KeyAuthConfigSchema),
  member("jwt", JwtConfigSchema),
  member("basic-auth", BasicAuthConfigSchema),
  member("acl", AclConfigSchema),
  member("rate-limit", RateLimitConfigSchema),
  member("cors", CorsConfigSchema),
  member("ip-restriction", IpRestrictionConfigSchema),
  member("request-size-limit", RequestSizeLimitConfigSchema),
  member("request-transformer", RequestTransformerConfigSchema),
  member("response-transformer", ResponseTransformerConfigSchema),
  member("request-termination", RequestTerminationConfigSchema),
  member("proxy-cache", ProxyCacheConfigSchema),
]);
export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
export type PolicyType = Policy["type"];
export type PolicyOf<T extends PolicyType> = Extract<Policy, { type: T }>;

export const POLICY_TYPES = PolicySchema.options.map((o) => o.shape.type.value) as PolicyType[];

/** Authentication policies: they identify a consumer, so they can't be attached to one. */
export const AUTH_POLICY_TYPES: readonly PolicyType[] = ["key-auth", "jwt", "basic-auth"];
