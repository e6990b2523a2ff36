import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { getMetricsHistory, HistoryRangeSchema } from "./get-metrics-history.ts";
import { LIVE_WINDOW_SECONDS } from "./live-metrics.ts";
import { onLiveMetrics } from "./on-live-metrics.ts";

const Name = z.string().min(1).max(200).optional();

export const metricsRouter = router({
  /** Per-second points of all data planes connected to this control plane, live. */
  live: authedProcedure
    .input(z.object({ route: Name, service: Name, subset: Name, windowSeconds: z.number().int().min(1).max(LIVE_WINDOW_SECONDS).default(300) }).default({ windowSeconds: 300 }))
    .subscription(({ ctx, input, signal }) =>
      onLiveMetrics({ bus: ctx.bus, filter: { route: input.route, service: input.service, subset: input.subset }, windowSeconds: input.windowSeconds, signal }),
    ),
  history: authedProcedure
    .input(z.object({ range: HistoryRangeSchema, route: Name, service: Name }))
    .query(({ ctx, input }) => getMetricsHistory({ db: ctx.db, range: input.range, route: input.route, service: input.service })),
});
