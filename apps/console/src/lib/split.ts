/** Percent of traffic each destination gets: weights are relative (Istio), so weight / sum. */
export function splitPercents(weights: number[]): number[] {
  const valid = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  const total = valid.reduce((a, b) => a + b, 0);
  if (valid.length === 1) return [100];
  if (total === 0) return valid.map(() => 0);
  return valid.map((w) => (w / total) * 100);
}

export function formatPercent(p: number): string {
  const rounded = Math.round(p * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

export function destinationLabel(d: { service: string; subset?: string | undefined }): string {
  return d.subset ? `${d.service}/${d.subset}` : d.service;
}
