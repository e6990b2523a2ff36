"use client";

import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { cn } from "@/lib/cn.ts";
import { useTRPC } from "@/trpc/react.tsx";

/**
 * Subscribes to data-plane and version changes over the control plane's WebSocket and refreshes
 * the affected queries. Pages also poll, so a blocked socket only makes updates slower.
 */
export function LiveIndicator() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sub = useSubscription(
    trpc.dataPlanes.onChange.subscriptionOptions(undefined, {
      onData: () => {
        void queryClient.invalidateQueries(trpc.dataPlanes.pathFilter());
        void queryClient.invalidateQueries(trpc.config.pathFilter());
        void queryClient.invalidateQueries(trpc.routes.list.pathFilter());
        void queryClient.invalidateQueries(trpc.services.pathFilter());
      },
      onError: () => {},
    }),
  );
  // Give the socket a few seconds before admitting that updates come from polling only.
  const [patient, setPatient] = useState(true);
  useEffect(() => {
    const id = setTimeout(() => setPatient(false), 4_000);
    return () => clearTimeout(id);
  }, []);
  const live = sub.status === "pending";
  const label = live ? "Live" : sub.status === "connecting" && patient ? "Connecting" : "Polling";
  return (
    <span
      className="inline-flex items-center gap-2 text-xs text-muted-foreground"
      title={live ? "Receiving live updates" : "Live updates unavailable; refreshing periodically"}
      data-testid="live-status"
    >
      <span className={cn("size-2 rounded-full", live ? "bg-success shadow-[0_0_0_3px] shadow-success/20" : "bg-warning")} />
      {label}
    </span>
  );
}
