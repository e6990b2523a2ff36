import type { Consumer } from "@switchyard/config";
import type { Db } from "@switchyard/db";
import { AppError } from "../app-error.ts";
import { getCurrentConfig } from "../config-router/get-current-config.ts";

/** Consumers as the console lists them: secrets never leave the server, only hashes' ids do. */
export interface ConsumerView {
  username: string;
  custom_id?: string | undefined;
  groups: string[];
  keys: { id: string | null; hashPrefix: string }[];
  basicAuth: { id: string | null; username: string }[];
  jwt: { id: string | null; key: string; algorithms: string[]; source: "secret" | "public_key" | "jwks_url"; jwks_url?: string | undefined }[];
}

export function toConsumerView(c: Consumer): ConsumerView {
  return {
    username: c.username,
    ...(c.custom_id !== undefined ? { custom_id: c.custom_id } : {}),
    groups: c.groups,
    // Twelve hex digits tell keys apart without making the hash useful to anyone.
    keys: c.credentials.key_auth.map((k) => ({ id: k.id ?? null, hashPrefix: k.key_hash.slice(7, 19) })),
    basicAuth: c.credentials.basic_auth.map((b) => ({ id: b.id ?? null, username: b.username })),
    jwt: c.credentials.jwt.map((j) => ({
      id: j.id ?? null,
      key: j.key,
      algorithms: j.algorithms,
      source: j.secret !== undefined ? "secret" : j.public_key !== undefined ? "public_key" : "jwks_url",
      ...(j.jwks_url !== undefined ? { jwks_url: j.jwks_url } : {}),
    })),
  };
}

export async function listConsumers(options: { db: Db; search?: string | undefined; group?: string | undefined }): Promise<ConsumerView[]> {
  const all = (await getCurrentConfig(options))?.config.consumers ?? [];
  const q = options.search?.trim().toLowerCase() ?? "";
  return all
    .filter((c) => q === "" || c.username.includes(q) || (c.custom_id ?? "").toLowerCase().includes(q) || c.groups.some((g) => g.toLowerCase().includes(q)))
    .filter((c) => !options.group || c.groups.includes(options.group))
    .map(toConsumerView);
}

export async function getConsumer(options: { db: Db; username: string }): Promise<ConsumerView> {
  const c = ((await getCurrentConfig(options))?.config.consumers ?? []).find((x) => x.username === options.username);
  if (!c) throw new AppError("NOT_FOUND", `No consumer "${options.username}"`);
  return toConsumerView(c);
}
