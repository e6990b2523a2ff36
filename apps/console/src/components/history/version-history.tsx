"use client";

import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ConfirmDialog } from "@/components/dialogs/confirm-dialog.tsx";
import { EmptyState } from "@/components/empty-state.tsx";
import { HistoryIcon, SpinnerIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table.tsx";
import { errorMessage } from "@/lib/trpc-error.ts";
import { relativeTime, useNow } from "@/lib/use-now.ts";
import { useTRPC } from "@/trpc/react.tsx";
import { DiffView } from "./diff-view.tsx";
import { RolloutBadge, selectorText } from "./rollout-badge.tsx";

type Action = { kind: "rollback" | "promote"; version: number } | null;

/** Published versions, a diff of any two, and rollback / promote with confirmation. */
export function VersionHistory() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(5_000);
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const versions = useQuery(trpc.config.versions.queryOptions(undefined, { refetchInterval: 5_000 }));
  const planes = useQuery(trpc.dataPlanes.list.queryOptions(undefined, { refetchInterval: 5_000 }));
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [action, setAction] = useState<Action>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const canEdit = me.data?.role === "admin" || me.data?.role === "editor";

  // Until the user picks, compare the newest version with the one before it.
  useEffect(() => {
    const list = versions.data;
    if (!list?.length || (from !== null && to !== null)) return;
    setTo(list[0]!.version);
    setFrom((list[1] ?? list[0]!).version);
  }, [versions.data, from, to]);

  const diff = useQuery(trpc.config.diff.queryOptions({ from: from ?? 0, to: to ?? 0 }, { enabled: from !== null && to !== null && from !== to, staleTime: Infinity }));

  const invalidate = () =>
    Promise.all([queryClient.invalidateQueries(trpc.config.pathFilter()), queryClient.invalidateQueries(trpc.dataPlanes.pathFilter()), queryClient.invalidateQueries(trpc.routes.pathFilter())]);
  const rollback = useMutation(
    trpc.config.rollback.mutationOptions({
      onSuccess: async (res, vars) => {
        setAction(null);
        setNotice(res.changed ? `Published version ${res.version} with the config of version ${vars.version}.` : `Version ${res.version} already has the config of version ${vars.version}; nothing published.`);
        await invalidate();
      },
    }),
  );
  const promote = useMutation(
    trpc.config.promote.mutationOptions({
      onSuccess: async (res) => {
        setAction(null);
        setNotice(`Version ${res.version} now goes to every data plane.`);
        await invalidate();
      },
    }),
  );
  const pending = rollback.isPending || promote.isPending;
  const actionError = action?.kind === "rollback" ? rollback.error : action?.kind === "promote" ? promote.error : null;

  const newest = versions.data?.[0]?.version ?? null;
  const connected = planes.data?.filter((p) => p.connected).length ?? 0;
  const actionRow = versions.data?.find((v) => v.version === action?.version);

  return (
    <>
      <PageHeader title="History" description="Every published config version. Compare any two, roll back to one, or promote a staged rollout." />
      {notice && (
        <p role="status" className="mb-4 rounded-lg border border-success/40 bg-success/10 px-4 py-3 text-sm text-success" data-testid="history-notice">
          {notice}
        </p>
      )}
      <div className="flex flex-col gap-5">
        <Card>
          {versions.isError ? (
            <div className="p-4">
              <QueryError error={versions.error} onRetry={() => void versions.refetch()} />
            </div>
          ) : versions.isPending ? (
            <div className="space-y-3 p-5" aria-busy="true" aria-label="Loading versions">
              {[0, 1, 2].map((i) => (
                <div key={i} className="h-12 animate-pulse rounded-md bg-muted" />
              ))}
            </div>
          ) : versions.data.length === 0 ? (
            <EmptyState icon={<HistoryIcon />} title="Nothing published yet">
              Save a route or run <code className="font-mono">switchyard apply</code> to publish the first version.
            </EmptyState>
          ) : (
            <Table aria-label="Config versions">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead className="w-24 text-center">Compare</TableHead>
                  <TableHead>Version</TableHead>
                  <TableHead>Change</TableHead>
                  <TableHead>Rollout</TableHead>
                  <TableHead className="hidden sm:table-cell">Running on</TableHead>
                  <TableHead className="text-right">Actions</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {versions.data.map((v) => (
                  <TableRow key={v.version} data-testid={`version-row-${v.version}`} data-state={v.rolloutState}>
                    <TableCell>
                      <div className="flex items-center justify-center gap-3">
                        <label className="flex items-center gap-1 text-xs text-muted-foreground" title="Compare from this version">
                          <input type="radio" name="diff-from" className="accent-destructive" checked={from === v.version} onChange={() => setFrom(v.version)} aria-label={`Compare from version ${v.version}`} data-testid={`diff-from-${v.version}`} />
                          A
                        </label>
                        <label className="flex items-center gap-1 text-xs text-muted-foreground" title="Compare to this version">
                          <input type="radio" name="diff-to" className="accent-success" checked={to === v.version} onChange={() => setTo(v.version)} aria-label={`Compare to version ${v.version}`} data-testid={`diff-to-${v.version}`} />
                          B
                        </label>
                      </div>
                    </TableCell>
                    <TableCell>
                      <div className="font-medium tabular-nums">
                        v{v.version}
                        {v.version === newest && <span className="ml-2 text-xs font-normal text-muted-foreground">latest</span>}
                      </div>
                      <div className="font-mono text-xs text-muted-foreground">{v.hash.slice(0, 12)}</div>
                    </TableCell>
                    <TableCell className="max-w-80">
                      <div className="truncate text-sm" title={v.message}>
                        {v.message || <span className="text-muted-foreground">No message</span>}
                      </div>
                      <div className="text-xs text-muted-foreground">
                        {v.author} · <time dateTime={v.createdAt} title={new Date(v.createdAt).toLocaleString()}>{relativeTime(v.createdAt, now)}</time>
                      </div>
                    </TableCell>
                    <TableCell>
                      <RolloutBadge state={v.rolloutState} selector={v.rolloutSelector} haltedReason={v.haltedReason} superseded={v.superseded} />
                      {v.rolloutState === "halted" && v.haltedReason && <div className="mt-1 max-w-56 truncate text-xs text-destructive" title={v.haltedReason}>{v.haltedReason}</div>}
                    </TableCell>
                    <TableCell className="hidden tabular-nums text-sm sm:table-cell" data-testid={`version-running-${v.version}`}>
                      {v.runningCount > 0 ? `${v.runningCount} of ${connected} data plane${connected === 1 ? "" : "s"}` : <span className="text-muted-foreground">—</span>}
                    </TableCell>
                    <TableCell className="text-right">
                      {canEdit && (
                        <div className="flex justify-end gap-2">
                          {v.rolloutState === "staged" && !v.superseded && (
                            <Button size="sm" onClick={() => setAction({ kind: "promote", version: v.version })} data-testid={`promote-${v.version}`}>
                              Promote
                            </Button>
                          )}
                          {v.version !== newest && (
                            <Button size="sm" variant="outline" onClick={() => setAction({ kind: "rollback", version: v.version })} data-testid={`rollback-${v.version}`}>
                              Roll back
                            </Button>
                          )}
                        </div>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>

        {from !== null && to !== null && (
          <Card data-testid="diff-card">
            <CardHeader>
              <CardTitle>
                Version {from} → version {to}
              </CardTitle>
              <CardDescription>
                {from === to
                  ? "Pick two different versions (A and B) to compare."
                  : diff.data
                    ? `${diff.data.added} line${diff.data.added === 1 ? "" : "s"} added, ${diff.data.removed} removed (YAML of the whole config)`
                    : "Comparing…"}
              </CardDescription>
            </CardHeader>
            {from !== to && (
              <CardContent>
                {diff.isError ? (
                  <QueryError error={diff.error} onRetry={() => void diff.refetch()} />
                ) : diff.isPending ? (
                  <div className="flex items-center gap-2 text-sm text-muted-foreground">
                    <SpinnerIcon /> Loading diff…
                  </div>
                ) : (
                  <DiffView lines={diff.data.lines} />
                )}
              </CardContent>
            )}
          </Card>
        )}
      </div>

      <ConfirmDialog
        open={action !== null}
        title={action?.kind === "promote" ? `Promote version ${action.version}?` : `Roll back to version ${action?.version ?? ""}?`}
        confirmLabel={action?.kind === "promote" ? "Promote to all" : "Roll back"}
        confirmVariant={action?.kind === "promote" ? "default" : "destructive"}
        pending={pending}
        error={actionError ? errorMessage(actionError) : null}
        onCancel={() => {
          setAction(null);
          rollback.reset();
          promote.reset();
        }}
        onConfirm={() => {
          if (!action) return;
          if (action.kind === "rollback") rollback.mutate({ version: action.version });
          else promote.mutate({ version: action.version });
        }}
      >
        {action?.kind === "promote" ? (
          <p>
            Version {action.version} now runs only on data planes labelled <code className="font-mono">{selectorText(actionRow?.rolloutSelector ?? null)}</code>. Promoting sends it to every data plane.
          </p>
        ) : (
          <p>
            This publishes the config of version {action?.version} as a new version {newest !== null ? newest + 1 : ""}, checked and compiled like any change, and pushes it to
            every data plane. The history is kept.
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
