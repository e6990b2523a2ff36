import { JwtCredentialSchema, type Consumer } from "@switchyard/config";
import { generateApiKey, hashPassword } from "@switchyard/config/credential-hashing";
import { AppError } from "../app-error.ts";
import type { PublishResult } from "../config-router/publish-config.ts";
import { editConsumer, nextCredentialId, type ConsumerEditOptions } from "./edit-consumers.ts";
import { parseInput } from "../parse-input.ts";

const withCredentials = (c: Consumer, patch: Partial<Consumer["credentials"]>): Consumer => ({ ...c, credentials: { ...c.credentials, ...patch } });

/** A new API key: only its hash is stored; the key is returned this once. */
export async function createApiKey(options: ConsumerEditOptions & { username: string }): Promise<PublishResult & { key: string; id: string }> {
  const { key, keyHash } = generateApiKey();
  let id = "";
  const result = await editConsumer({
    ...options,
    action: "consumers.createKey",
    message: `New API key for consumer ${options.username}`,
    edit(c) {
      id = nextCredentialId("key", c!.credentials.key_auth.map((k) => k.id));
      return withCredentials(c!, { key_auth: [...c!.credentials.key_auth, { id, key_hash: keyHash }] });
    },
  });
  return { ...result, key, id };
}

/** Revokes a key by id, or by the hash prefix shown for keys imported without an id. */
export function revokeApiKey(options: ConsumerEditOptions & { username: string; id: string }): Promise<PublishResult> {
  return editConsumer({
    ...options,
    action: "consumers.revokeKey",
    message: `Revoke API key ${options.id} of consumer ${options.username}`,
    edit(c) {
      const keys = c!.credentials.key_auth.filter((k) => k.id !== options.id && k.key_hash.slice(7, 19) !== options.id);
      if (keys.length === c!.credentials.key_auth.length) throw new AppError("NOT_FOUND", `Consumer "${options.username}" has no key "${options.id}"`);
      return withCredentials(c!, { key_auth: keys });
    },
  });
}

export function addBasicAuth(options: ConsumerEditOptions & { username: string; basicUsername: string; password: string }): Promise<PublishResult> {
  // Hashed before the config sees it, so the password never reaches a stored version.
  const passwordHash = hashPassword(options.password);
  return editConsumer({
    ...options,
    action: "consumers.addBasicAuth",
    message: `Basic-auth credential ${options.basicUsername} for consumer ${options.username}`,
    edit(c) {
      const id = nextCredentialId("basic", c!.credentials.basic_auth.map((b) => b.id));
      return withCredentials(c!, { basic_auth: [...c!.credentials.basic_auth, { id, username: options.basicUsername, password_hash: passwordHash }] });
    },
  });
}

export function addJwtCredential(options: ConsumerEditOptions & { username: string; credential: unknown }): Promise<PublishResult> {
  const credential = parseInput(JwtCredentialSchema, options.credential);
  return editConsumer({
    ...options,
    action: "consumers.addJwt",
    message: `JWT issuer ${credential.key} for consumer ${options.username}`,
    edit(c) {
      const id = credential.id ?? nextCredentialId("jwt", c!.credentials.jwt.map((j) => j.id));
      return withCredentials(c!, { jwt: [...c!.credentials.jwt, { ...credential, id }] });
    },
  });
}

/** Removes a basic-auth or JWT credential by id (or, for ones without an id, by username / key). */
export function removeCredential(options: ConsumerEditOptions & { username: string; kind: "basic_auth" | "jwt"; id: string }): Promise<PublishResult> {
  return editConsumer({
    ...options,
    action: "consumers.removeCredential",
    message: `Remove ${options.kind === "jwt" ? "JWT" : "basic-auth"} credential ${options.id} of consumer ${options.username}`,
    edit(c) {
      if (options.kind === "jwt") {
        const jwt = c!.credentials.jwt.filter((j) => j.id !== options.id && j.key !== options.id);
        if (jwt.length === c!.credentials.jwt.length) throw new AppError("NOT_FOUND", `Consumer "${options.username}" has no JWT credential "${options.id}"`);
        return withCredentials(c!, { jwt });
      }
      const basic = c!.credentials.basic_auth.filter((b) => b.id !== options.id && b.username !== options.id);
      if (basic.length === c!.credentials.basic_auth.length) throw new AppError("NOT_FOUND", `Consumer "${options.username}" has no basic-auth credential "${options.id}"`);
      return withCredentials(c!, { basic_auth: basic });
    },
  });
}
