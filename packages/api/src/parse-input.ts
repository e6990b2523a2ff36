import type { z } from "zod";
import { formatFieldErrors, toFieldErrors } from "@switchyard/config";
import { AppError } from "./app-error.ts";

/** Parses an entity edit with its schema; invalid input becomes INVALID_CONFIG with field errors relative to the entity. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors = toFieldErrors(parsed.error);
    throw new AppError("INVALID_CONFIG", formatFieldErrors(fieldErrors), { fieldErrors });
  }
  return parsed.data;
}

/**
 * Maps a config-relative error path into one relative to the entity at `collection.index`
 * (`routes.3.rules.0.weight` → `rules.0.weight`), as the entity's form shows it; other paths stay.
 */
export function pathWithin(collection: string, index: number, path: string): string {
  const prefix = `${collection}.${index}.`;
  if (path.startsWith(prefix)) return path.slice(prefix.length);
  return path === `${collection}.${index}` ? "" : path;
}
