import { z } from "zod";
import { NameSchema } from "../names.ts";
import { HeaderNameSchema } from "./policy-scope.ts";

/** A consumer name (or custom_id) requests fall back to when no credential is sent (Kong `anonymous`). */
const Anonymous = NameSchema.optional();

/** Kong key-auth plugin config. */
export const KeyAuthConfigSchema = z.strictObject({
  key_names: z.array(HeaderNameSchema).min(1).default(["apikey"]),
  key_in_header: z.boolean().default(true),
  key_in_query: z.boolean().default(true),
  /** Remove the credential before the request goes upstream. */
  hide_credentials: z.boolean().default(false),
  anonymous: Anonymous,
});
export type KeyAuthConfig = z.infer<typeof KeyAuthConfigSchema>;

export const JwtAlgorithmSchema = z.enum([
  "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
]);
export type JwtAlgorithm = z.infer<typeof JwtAlgorithmSchema>;

/** Kong jwt plugin config, plus iss/aud checks and claims forwarded upstream as headers. */
export const JwtConfigSchema = z.strictObject({
  uri_param_names: z.array(z.string().min(1).max(256)).default(["jwt"]),
  cookie_names: z.array(z.string().min(1).max(256)).default([]),
  header_names: z.array(HeaderNameSchema).default(["authorization"]),
  /** Claim that names the credential (its `key`). */
  key_claim_name: z.string().min(1).max(256).default("iss"),
  /** exp and/or nbf must be present and valid. exp is checked whenever present. */
  claims_to_verify: z.array(z.enum(["exp", "nbf"])).default([]),
  /** Clock skew allowed on exp/nbf, in seconds. */
  leeway: z.number().int().min(0).max(3600).default(0),
  /** Tokens whose exp is further away than this are refused (0: no limit). */
  maximum_expiration: z.number().int().min(0).max(31_536_000).default(0),
  /** Accepted `iss` values (empty: any). */
  issuers: z.array(z.string().min(1)).default([]),
  /** Accepted `aud` values (empty: any); one of the token's audiences must be listed. */
  audiences: z.array(z.string().min(1)).default([]),
  /** Claims copied to upstream headers, e.g. { sub: "x-user-id" }. */
  claims_to_headers: z.record(z.string().min(1).max(256), HeaderNameSchema).default({}),
  /** Remove the token before the request goes upstream. */
  hide_credentials: z.boolean().default(false),
  anonymous: Anonymous,
});
export type JwtConfig = z.infer<typeof JwtConfigSchema>;

/** Kong basic-auth plugin config. */
export const BasicAuthConfigSchema = z.strictObject({
  hide_credentials: z.boolean().default(false),
  anonymous: Anonymous,
  realm: z.string().min(1).max(128).regex(/^[\x20-\x21\x23-\x7e]+$/, "Printable ASCII without quotes").default("service"),
});
export type BasicAuthConfig = z.infer<typeof BasicAuthConfigSchema>;

/** Kong acl plugin config: consumer groups allowed or denied. */
export const AclConfigSchema = z
  .strictObject({
    allow: z.array(z.string().min(1).max(128)).default([]),
    deny: z.array(z.string().min(1).max(128)).default([]),
    /** Send the consumer's groups upstream as X-Consumer-Groups. */
    hide_groups_header: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    if (c.allow.length > 0 && c.deny.length > 0) ctx.addIssue({ code: "custom", path: ["deny"], message: "Use allow or deny, not both" });
    if (c.allow.length === 0 && c.deny.length === 0) ctx.addIssue({ code: "custom", path: ["allow"], message: "List at least one group in allow or deny" });
  });
export type AclConfig = z.infer<typeof AclConfigSchema>;
