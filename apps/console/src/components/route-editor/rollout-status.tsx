"use client";

import { useQuery } from "@tanstack/react-query";
import { AlertIcon, CheckIcon, SpinnerIcon } from "@/components/icons.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { useTRPC } from "@/trpc/react.tsx";

/** Where a just-published version stands on each data plane, refreshed until every connected one has acked it. */
export function RolloutStatus({ version }: { version: number }) {
  const trpc = useTRPC();
  const planes = useQuery(
    trpc.dataPlanes.list.queryOptions(undefined, {
      refetchInterval: (q) => {
        const data = q.state.data;
        const done = data?.every((p) => !p.connected || (p.appliedVersion ?? 0) >= version);
        return done ? 5_000 : 1_000;
      },
    }),
  );
  if (!planes.data) return <p className="text-sm text-muted-foreground">Checking data planes…</p>;

  // During a staged rollout only the data planes matching its selector should take the version.
  const targeted = (p: { targetVersion: number | null }) => (p.targetVersion ?? version) >= version;
  const connected = planes.data.filter((p) => p.connected && targeted(p));
  const reached = connected.filter((p) => (p.appliedVersion ?? 0) >= version);
  const complete = connected.length > 0 && reached.length === connected.length;

  return (
    <div className="flex flex-col gap-3" data-testid="rollout" data-complete={complete ? "true" : "false"}>
      <p className="text-sm" aria-live="polite" data-testid="rollout-summary">
        {connected.length === 0
          ? "No data plane is connected; each one picks this version up when it connects."
          : complete
            ? connected.length === 1
              ? `Rollout complete: the connected data plane runs version ${version}.`
              : `Rollout complete: all ${connected.length} connected data planes run version ${version}.`
            : `${reached.length} of ${connected.length} connected data planes run version ${version}…`}
      </p>
      {planes.data.length > 0 && (
        <ul className="flex flex-col divide-y rounded-lg border">
          {planes.data.map((p) => {
            const applied = (p.appliedVersion ?? 0) >= version;
            return (
              <li key={p.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm" data-testid={`rollout-${p.id}`}>
                <span className="min-w-0 flex-1 truncate font-mono text-xs">{p.id}</span>
                <span className="tabular-nums text-xs text-muted-foreground">v{p.appliedVersion ?? "—"}</span>
                {!p.connected ? (
                  <Badge variant="secondary">Offline</Badge>
                ) : !targeted(p) && !applied ? (
                  <Badge variant="secondary" title="Not selected by the staged rollout; gets it when the version is promoted">
                    Waits for promotion
                  </Badge>
                ) : applied ? (
                  <Badge variant="success">
                    <CheckIcon width={12} height={12} /> Applied
                  </Badge>
                ) : p.lastError ? (
                  <Badge variant="destructive" title={p.lastError}>
                    <AlertIcon width={12} height={12} /> Rejected
                  </Badge>
                ) : (
                  <Badge variant="warning">
                    <SpinnerIcon width={12} height={12} /> Pending
                  </Badge>
                )}
                {p.connected && !applied && p.lastError && <p className="w-full text-xs text-destructive">{p.lastError}</p>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
