const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, "µs": 0.001, ns: 0.000_001 };

/**
 * An Istio (protobuf / Go) duration such as "30s", "1.5s", "100ms" or "1h30m" → whole
 * milliseconds; undefined (with a warning) when it isn't one.
 */
export function istioDurationMs(value: unknown, where: string, warnings: string[]): number | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === "string" ? value.trim() : "";
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)];
  if (text === "" || parts.map((p) => p[0]).join("") !== text) {
    warnings.push(`${where}: ${JSON.stringify(value)} is not a duration; not imported`);
    return undefined;
  }
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * UNIT_MS[p[2]!]!, 0));
}
