import { PolicySchema, POLICY_TYPES, type PolicyType } from "@switchyard/config";
import { shapeOf, type FieldShape } from "./schema-shape.ts";

/** The form shape of each policy type's config, generated from its zod schema. */
export const CONFIG_SHAPES: Record<PolicyType, FieldShape> = Object.fromEntries(
  PolicySchema.options.map((o) => [o.shape.type.value, shapeOf(o.shape.config)]),
) as Record<PolicyType, FieldShape>;

export { POLICY_TYPES };

export const POLICY_TYPE_HINT: Record<PolicyType, string> = {
  "key-auth": "Requires an API key of a consumer.",
  jwt: "Requires a JWT signed by a consumer's issuer.",
  "basic-auth": "Requires a consumer's username and password.",
  acl: "Allows or denies consumer groups.",
  "rate-limit": "Limits requests per period.",
  cors: "Answers preflights and adds CORS headers.",
  "ip-restriction": "Allows or denies client addresses.",
  "request-size-limit": "Refuses large request bodies.",
  "request-transformer": "Edits request headers on the way upstream.",
  "response-transformer": "Edits response headers on the way back.",
  "request-termination": "Answers at the gateway with a fixed response.",
  "proxy-cache": "Serves GET/HEAD responses from the gateway's memory for a TTL.",
};
