/** Label value escaping of the Prometheus text format. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** `a="x",b="y"` from names and values, in the given order. */
export function labelText(names: readonly string[], values: readonly string[]): string {
  let out = "";
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ",";
    out += `${names[i]}="${escapeLabel(values[i] ?? "")}"`;
  }
  return out;
}

/** A sample value as Prometheus prints it (integers without a fraction, no exponent for usual sizes). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e9) / 1e9);
}

export function header(lines: string[], name: string, type: "counter" | "gauge" | "histogram", help: string): void {
  lines.push(`# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `# TYPE ${name} ${type}`);
}

/**
 * One histogram's lines from fine buckets: `bounds` are the exposed upper bounds (a subset of the
 * fine bounds), `fineIndex[k]` the fine bucket index of bounds[k]; counts become cumulative.
 */
export function histogramLines(
  lines: string[],
  name: string,
  labels: string,
  fine: ArrayLike<number>,
  boundTexts: readonly string[],
  fineIndex: readonly number[],
  count: number,
  sum: number,
): void {
  const sep = labels === "" ? "" : ",";
  let cumulative = 0;
  let next = 0;
  for (let k = 0; k < boundTexts.length; k++) {
    const upTo = fineIndex[k]!;
    for (; next <= upTo; next++) cumulative += fine[next] ?? 0;
    lines.push(`${name}_bucket{${labels}${sep}le="${boundTexts[k]}"} ${cumulative}`);
  }
  lines.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${count}`);
  lines.push(`${name}_sum{${labels}} ${formatValue(sum)}`);
  lines.push(`${name}_count{${labels}} ${count}`);
}
