/**
 * What a worker knows about one upstream host (origin), kept across config versions so a config
 * push neither forgets an ejection nor the requests in flight.
 */
export class HostState {
  readonly origin: string;
  /** Requests in flight from this worker (least-request, pending-request limit). */
  inflight = 0;
  consecutive5xx = 0;
  consecutiveGateway = 0;
  /** Epoch ms until which the host is ejected; 0 when it is not. */
  ejectedUntil = 0;
  /** Ejection multiplier: base ejection time × this; decays while the host behaves. */
  ejections = 0;
  /** When the multiplier was last brought up to date. */
  ejectionsAt = 0;
  /** Active health check verdict (set by the process's health checker). */
  healthy = true;

  constructor(origin: string) {
    this.origin = origin;
  }

  /** Ejected right now; an ejection whose time is over ends here (lazily, no timers). */
  isEjected(now: number): boolean {
    if (this.ejectedUntil === 0) return false;
    if (now < this.ejectedUntil) return true;
    this.ejectedUntil = 0;
    this.consecutive5xx = 0;
    this.consecutiveGateway = 0;
    this.ejectionsAt = now;
    return false;
  }
}

/** Host states of one worker, by origin. */
export class HostRegistry {
  private readonly hosts = new Map<string, HostState>();
  /** Verdicts received before the host was first used. */
  private readonly unhealthy = new Set<string>();

  get(origin: string): HostState {
    let h = this.hosts.get(origin);
    if (!h) {
      h = new HostState(origin);
      h.healthy = !this.unhealthy.has(origin);
      this.hosts.set(origin, h);
    }
    return h;
  }

  setHealthy(origin: string, healthy: boolean): void {
    if (healthy) this.unhealthy.delete(origin);
    else this.unhealthy.add(origin);
    const h = this.hosts.get(origin);
    if (!h) return;
    h.healthy = healthy;
    // A passing active check brings an ejected host back (Envoy's default).
    if (healthy && h.ejectedUntil !== 0) h.ejectedUntil = 1;
  }
}
