-- Per-minute traffic rollups for the history charts, usage and billing.
CREATE TABLE "metric_minute" (
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "route" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "subset" TEXT NOT NULL,
    "code" INTEGER NOT NULL,
    "flag" TEXT NOT NULL,
    "consumer" TEXT NOT NULL,
    "count" BIGINT NOT NULL,
    "request_bytes" DOUBLE PRECISION NOT NULL,
    "response_bytes" DOUBLE PRECISION NOT NULL,
    "latency_sum_ms" DOUBLE PRECISION NOT NULL,
    "latency" DOUBLE PRECISION[],
    CONSTRAINT "metric_minute_pkey" PRIMARY KEY ("minute","route","service","subset","code","flag","consumer")
);
CREATE INDEX "metric_minute_route_minute_idx" ON "metric_minute"("route", "minute");
CREATE INDEX "metric_minute_service_minute_idx" ON "metric_minute"("service", "minute");
