"use client";

import { useState } from "react";
import { useSubscription } from "@trpc/tanstack-react-query";
import type { MetricsPoint } from "@switchyard/api";
import { useTRPC } from "@/trpc/react.tsx";

export interface MetricsFilter {
  route?: string | undefined;
  service?: string | undefined;
  subset?: string | undefined;
}

/**
 * Per-second points from `metrics.live`: the window arrives first, then the newest seconds,
 * merged by time (late stats update a second already shown).
 */
export function useLiveMetrics(filter: MetricsFilter, windowSeconds: number, enabled = true) {
  const trpc = useTRPC();
  const [points, setPoints] = useState<MetricsPoint[]>([]);
  const sub = useSubscription(
    trpc.metrics.live.subscriptionOptions(
      { ...filter, windowSeconds },
      {
        enabled,
        onStarted: () => setPoints([]),
        onData: (event) => {
          setPoints((prev) => {
            if (event.full) return event.points;
            const byT = new Map(prev.map((p) => [p.t, p] as const));
            for (const p of event.points) byT.set(p.t, p);
            const merged = [...byT.values()].sort((a, b) => a.t - b.t);
            const newest = merged[merged.length - 1]?.t ?? 0;
            return merged.filter((p) => p.t > newest - windowSeconds * 1000);
          });
        },
        onError: () => {},
      },
    ),
  );
  // The current second is still filling up: hide it while it is empty, so the chart doesn't dip at its edge.
  const last = points[points.length - 1];
  const shown = last && last.requests === 0 && last.t >= Math.floor(Date.now() / 1000) * 1000 ? points.slice(0, -1) : points;
  return { points: shown, status: sub.status };
}
