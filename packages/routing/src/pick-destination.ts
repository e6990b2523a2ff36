import type { CompiledDestination, CompiledRule } from "./compiled-types.ts";

/**
 * Weighted choice among a rule's destinations for a uniform random r in [0, 1).
 * Weights are relative (80/20 ≡ 8/2); weight-0 destinations are never picked unless they are
 * the rule's only destination.
 */
export function pickDestination(rule: CompiledRule, r: number): CompiledDestination {
  const dests = rule.destinations;
  if (dests.length === 1) return dests[0]!;
  const x = r * rule.weightTotal;
  const cumulative = rule.cumulative;
  for (let i = 0; i < cumulative.length; i++) {
    if (x < cumulative[i]!) return dests[i]!;
  }
  // r was at or above 1: the last destination that has weight.
  for (let i = dests.length - 1; i >= 0; i--) if (dests[i]!.weight > 0) return dests[i]!;
  return dests[dests.length - 1]!;
}
