import { liveMetricsFor, recordMetricMinutes, type Bus } from "@switchyard/api";
import type { StatsMessage } from "@switchyard/config";
import type { Db } from "@switchyard/db";

export interface MetricsPipeline {
  /** For the data-plane hub: one data plane's per-second stats. */
  ingest(nodeId: string, message: StatsMessage): void;
  /** Writes every minute gathered so far, finished or not (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Merges data planes' stats into the live series (tRPC `metrics.live`) and adds what arrived to
 * the per-minute rollup table (`metrics.history`, portal usage) every few seconds. Rows are added
 * to, so writing the current minute in parts is exact, and usage and billing lag by seconds, not
 * by a minute.
 */
export function startMetrics(options: { db: Db; bus: Bus; rollupCheckMs?: number; log?: (line: string) => void }): MetricsPipeline {
  const live = liveMetricsFor(options.bus);
  const log = options.log ?? (() => {});
  let writing: Promise<void> = Promise.resolve();

  const write = (before: number) => {
    writing = writing.then(async () => {
      for (const { minute, cells } of live.takeMinutes(before)) {
        try {
          await recordMetricMinutes({ db: options.db, minute, cells });
        } catch (error) {
          log(`metrics: writing the rollup of ${new Date(minute).toISOString()} failed: ${(error as Error).message}`);
        }
      }
    });
    return writing;
  };

  const timer = setInterval(() => void write(Infinity), options.rollupCheckMs ?? 5_000);
  timer.unref();

  return {
    ingest: (_nodeId, message) => live.ingest(message.rows),
    flush: () => write(Infinity),
    async close() {
      clearInterval(timer);
      await write(Infinity);
    },
  };
}
