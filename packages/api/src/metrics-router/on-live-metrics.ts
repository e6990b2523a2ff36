import type { Bus } from "../bus.ts";
import { liveMetricsFor } from "./live-metrics.ts";
import type { MetricsPoint, SeriesFilter } from "./series-point.ts";

export interface LiveMetricsEvent {
  /** true: `points` is the whole window (replace); false: the newest seconds (merge by t). */
  full: boolean;
  points: MetricsPoint[];
}

/**
 * Streams chart points: first the window asked for, then every second (and as soon as stats
 * arrive, at most every 200 ms) the last few seconds again, since late stats change them.
 */
export async function* onLiveMetrics(options: { bus: Bus; filter: SeriesFilter; windowSeconds: number; signal?: AbortSignal | undefined }): AsyncGenerator<LiveMetricsEvent> {
  const live = liveMetricsFor(options.bus);
  let wake: (() => void) | null = null;
  let dirty = false;
  const off = live.onUpdate(() => {
    dirty = true;
    wake?.();
  });
  const aborted = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  try {
    const now = Date.now();
    yield { full: true, points: live.points(options.filter, now - (options.windowSeconds - 1) * 1000, now) };
    let lastSent = Date.now();
    while (!options.signal?.aborted) {
      const waitMs = dirty ? Math.max(0, 200 - (Date.now() - lastSent)) : 1000 - (Date.now() % 1000) + 5;
      await Promise.race([
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          wake = () => {
            if (!dirty) return;
            clearTimeout(timer);
            setTimeout(resolve, Math.max(0, 200 - (Date.now() - lastSent)));
          };
        }),
        aborted,
      ]);
      wake = null;
      if (options.signal?.aborted) break;
      dirty = false;
      lastSent = Date.now();
      yield { full: false, points: live.points(options.filter, lastSent - 3_000, lastSent) };
    }
  } finally {
    off();
  }
}
