import { z } from "zod";
import { JwtAlgorithmSchema } from "./policies/auth-policies.ts";
import { NameSchema } from "./names.ts";
import { REDACTED_SECRET } from "./secret-fields.ts";

const CredentialId = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, "Letters, digits, '.', '_', ':' and '-'");

// The hashes let REDACTED_SECRET through to the config's secret check (secret-fields.ts), which
// refuses it with one message saying where it came from.

/** An API key, kept only as its sha256 (the key itself is shown once, when it is created). */
export const KeyAuthCredentialSchema = z.strictObject({
  id: CredentialId.optional(),
  key_hash: z.string().refine((h) => /^sha256:[0-9a-f]{64}$/.test(h) || h === REDACTED_SECRET, 'Expected "sha256:" and 64 hex digits'),
});

const SCRYPT_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;

/** A username and a scrypt password hash: "scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>". */
export const BasicAuthCredentialSchema = z.strictObject({
  id: CredentialId.optional(),
  username: z.string().min(1).max(256).regex(/^[^:]+$/, "No ':' in a basic-auth username"),
  password_hash: z.string().refine((h) => SCRYPT_HASH.test(h) || h === REDACTED_SECRET, "Expected a scrypt hash"),
});

const PEM = /^-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----[\s\S]+-----END \1-----\s*$/;

/**
 * A JWT issuer: `key` is the value of the token's key claim (iss by default). Exactly one of
 * secret (HS*), public_key (PEM) or jwks_url; the algorithms accepted are listed here and never
 * taken from a token.
 */
export const JwtCredentialSchema = z
  .strictObject({
    id: CredentialId.optional(),
    key: z.string().min(1).max(512),
    algorithms: z.array(JwtAlgorithmSchema).min(1).default(["HS256"]),
    secret: z.string().min(1).max(4096).optional(),
    secret_base64_encoded: z.boolean().default(false),
    public_key: z.string().regex(PEM, "A PEM public key or certificate").optional(),
    jwks_url: z.url({ protocol: /^https?$/ }).optional(),
  })
  .superRefine((c, ctx) => {
    const sources = [c.secret, c.public_key, c.jwks_url].filter((v) => v !== undefined).length;
    if (sources !== 1) ctx.addIssue({ code: "custom", path: ["secret"], message: "Set exactly one of secret, public_key or jwks_url" });
    const hmac = c.algorithms.filter((a) => a.startsWith("HS"));
    if (c.secret !== undefined && hmac.length !== c.algorithms.length) {
      ctx.addIssue({ code: "custom", path: ["algorithms"], message: "A secret can only verify HS256/HS384/HS512" });
    }
    if (c.secret === undefined && hmac.length > 0) {
      // The RS→HS confusion attack: an HMAC algorithm must never be tried with a public key.
      ctx.addIssue({ code: "custom", path: ["algorithms"], message: "HS* algorithms need a secret, not a public key" });
    }
  });

export const ConsumerSchema = z.strictObject({
  username: NameSchema,
  custom_id: z.string().min(1).max(256).optional(),
  groups: z.array(z.string().min(1).max(128)).default([]),
  credentials: z
    .strictObject({
      key_auth: z.array(KeyAuthCredentialSchema).default([]),
      basic_auth: z.array(BasicAuthCredentialSchema).default([]),
      jwt: z.array(JwtCredentialSchema).default([]),
    })
    .prefault({}),
});
export type Consumer = z.infer<typeof ConsumerSchema>;
export type ConsumerInput = z.input<typeof ConsumerSchema>;
export type JwtCredential = z.infer<typeof JwtCredentialSchema>;
