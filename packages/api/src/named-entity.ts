import { AppError } from "./app-error.ts";

/**
 * A copy of `list` with `entity` added (originalName undefined: the name must be free) or put
 * in place of the one named originalName (a rename must not take another's name). The API's
 * one NOT_FOUND / CONFLICT wording for named entities; `index` is where the entity now is.
 */
export function placeNamed<T extends { name: string }>(list: readonly T[], entity: T, originalName: string | undefined, kind: string): { list: T[]; index: number } {
  const out = [...list];
  let index = out.findIndex((e) => e.name === (originalName ?? entity.name));
  if (index === -1 && originalName !== undefined) throw new AppError("NOT_FOUND", `No ${kind} "${originalName}"`);
  const taken = originalName === undefined ? index !== -1 : originalName !== entity.name && out.some((e) => e.name === entity.name);
  if (taken) throw new AppError("CONFLICT", `A ${kind} named "${entity.name}" already exists`, { fieldErrors: [{ path: "name", message: "This name is taken" }] });
  if (index === -1) index = out.push(entity) - 1;
  else out[index] = entity;
  return { list: out, index };
}

/** `list` without the entity called `name`; NOT_FOUND when there is none. */
export function withoutNamed<T extends { name: string }>(list: readonly T[], name: string, kind: string): T[] {
  if (!list.some((e) => e.name === name)) throw new AppError("NOT_FOUND", `No ${kind} "${name}"`);
  return list.filter((e) => e.name !== name);
}
