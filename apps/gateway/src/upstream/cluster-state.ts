/** Per destination cluster ("service" or "service/subset") counters of one worker, kept across configs. */
export class ClusterState {
  /** Requests in flight (Istio http2MaxRequests counts these). */
  active = 0;
  /** Retries in flight or waiting out their backoff (retry budget). */
  retries = 0;
}

export class ClusterRegistry {
  private readonly clusters = new Map<string, ClusterState>();

  get(key: string): ClusterState {
    let c = this.clusters.get(key);
    if (!c) { c = new ClusterState(); this.clusters.set(key, c); }
    return c;
  }
}
