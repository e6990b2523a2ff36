import type { CompiledDestination } from "@switchyard/routing";

/**
 * Chooses a target of one destination. State (round-robin position, in-flight counts) lives
 * per table in the worker; the compiled destination stays immutable.
 */
export class Balancer {
  private readonly dest: CompiledDestination;
  private readonly equalWeights: boolean;
  private next = 0;
  /** Requests in flight per target, for least-request. */
  readonly inflight: Int32Array;

  constructor(dest: CompiledDestination) {
    this.dest = dest;
    const ts = dest.targets;
    this.equalWeights = ts.every((t) => t.weight === ts[0]!.weight);
    this.inflight = new Int32Array(ts.length);
  }

  /** Index into dest.targets, or -1 when there is none. */
  pick(): number {
    const n = this.dest.targets.length;
    if (n <= 1) return n - 1;
    switch (this.dest.loadBalancer) {
      case "random":
        return this.weightedRandom();
      case "least-request": {
        // Power of two choices: two random targets, the one with fewer requests in flight.
        const a = this.weightedRandom(), b = this.weightedRandom();
        return this.inflight[b]! < this.inflight[a]! ? b : a;
      }
      default:
        if (this.equalWeights) {
          const i = this.next;
          this.next = i + 1 === n ? 0 : i + 1;
          return i;
        }
        return this.weightedRandom();
    }
  }

  private weightedRandom(): number {
    const ts = this.dest.targets;
    let x = Math.random() * this.dest.targetWeightTotal;
    for (let i = 0; i < ts.length; i++) {
      x -= ts[i]!.weight;
      if (x < 0) return i;
    }
    return ts.length - 1;
  }
}
