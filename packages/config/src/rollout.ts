import { z } from "zod";
import { LabelsSchema } from "./names.ts";

/**
 * Staged publish: a version first goes only to the data planes whose labels contain every
 * key=value of `selector` (e.g. `{ canary: "true" }`), and to all of them once promoted.
 */
export const RolloutSchema = z.strictObject({
  selector: LabelsSchema.refine((s) => Object.keys(s).length > 0, "A selector needs at least one label"),
});
export type Rollout = z.infer<typeof RolloutSchema>;

/** Where a version stands: "full" (every data plane), "staged" (selector only) or "halted" (rejected by a data plane). */
export const RolloutStateSchema = z.enum(["full", "staged", "halted"]);
export type RolloutState = z.infer<typeof RolloutStateSchema>;

export function matchesSelector(labels: Record<string, string>, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** "canary=true,zone=eu" → { canary: "true", zone: "eu" }; null when a part has no "=". */
export function parseSelector(text: string): Record<string, string> | null {
  const selector: Record<string, string> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    selector[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return selector;
}
