import { Prisma, type Db } from "@switchyard/db";
import type { MinuteCell } from "./live-metrics.ts";

/**
 * Adds one minute of traffic into the rollup table. Rows are added to, not replaced, so several
 * control planes (and a flush of a partial minute at shutdown) sum up correctly.
 */
export async function recordMetricMinutes(options: { db: Db; minute: number; cells: readonly MinuteCell[] }): Promise<void> {
  const minute = new Date(options.minute);
  for (let i = 0; i < options.cells.length; i += 200) {
    const chunk = options.cells.slice(i, i + 200);
    const values = chunk.map((c) => Prisma.sql`(${minute}, ${c.route}, ${c.service}, ${c.subset}, ${c.code}, ${c.flag}, ${c.consumer}, ${BigInt(c.count)}, ${c.requestBytes}, ${c.responseBytes}, ${c.latencySumMs}, ${[...c.latency]}::double precision[])`);
    await options.db.prisma.$executeRaw`
      INSERT INTO "metric_minute" ("minute", "route", "service", "subset", "code", "flag", "consumer", "count", "request_bytes", "response_bytes", "latency_sum_ms", "latency")
      VALUES ${Prisma.join(values)}
      ON CONFLICT ("minute", "route", "service", "subset", "code", "flag", "consumer") DO UPDATE SET
        "count" = "metric_minute"."count" + EXCLUDED."count",
        "request_bytes" = "metric_minute"."request_bytes" + EXCLUDED."request_bytes",
        "response_bytes" = "metric_minute"."response_bytes" + EXCLUDED."response_bytes",
        "latency_sum_ms" = "metric_minute"."latency_sum_ms" + EXCLUDED."latency_sum_ms",
        "latency" = ARRAY(
          SELECT COALESCE(a, 0) + COALESCE(b, 0)
          FROM unnest("metric_minute"."latency", EXCLUDED."latency") WITH ORDINALITY AS x(a, b, n)
          ORDER BY n
        )`;
  }
}
