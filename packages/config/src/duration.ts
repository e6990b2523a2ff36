import { z } from "zod";

/** Parses "250ms", "10s", "1.5m", "1h" (the Istio duration style) to milliseconds. */
export function parseDurationMs(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] === "ms" ? 1 : m[2] === "s" ? 1_000 : m[2] === "m" ? 60_000 : 3_600_000;
  return Math.round(n * unit);
}

/**
 * A duration in config: milliseconds as a number, or an Istio-style string ("10s").
 * Always stored as milliseconds, so a stored snapshot parses to itself.
 */
export const DurationMs = z
  .union([z.number().int().nonnegative(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === "number") return value;
    const ms = parseDurationMs(value);
    if (ms === null) {
      ctx.addIssue({ code: "custom", message: `"${value}" is not a duration (use e.g. 250ms, 10s, 1m)` });
      return z.NEVER;
    }
    return ms;
  });
