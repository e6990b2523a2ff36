"use client";

import { useQuery } from "@tanstack/react-query";
import { EmptyState } from "@/components/empty-state.tsx";
import { ServerIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table.tsx";
import { relativeTime, useNow } from "@/lib/use-now.ts";
import { useTRPC } from "@/trpc/react.tsx";

function Stat({ label, value, testId, hint }: { label: string; value: React.ReactNode; testId?: string; hint?: string }) {
  return (
    <Card>
      <CardHeader className="pb-2 sm:pb-2">
        <CardDescription>{label}</CardDescription>
        <CardTitle className="text-2xl tabular-nums" data-testid={testId}>
          {value}
        </CardTitle>
      </CardHeader>
      {hint && <CardContent className="text-xs text-muted-foreground">{hint}</CardContent>}
    </Card>
  );
}

export function DataPlanesTable() {
  const trpc = useTRPC();
  const now = useNow();
  // Polling keeps the table live even where the WebSocket is blocked; the subscription makes it instant.
  const planes = useQuery(trpc.dataPlanes.list.queryOptions(undefined, { refetchInterval: 2_000 }));
  const current = useQuery(trpc.config.current.queryOptions(undefined, { refetchInterval: 5_000 }));
  const currentVersion = current.data?.version ?? null;

  const connected = planes.data?.filter((p) => p.connected) ?? [];
  const inSync = connected.filter((p) => p.lag === 0);

  return (
    <>
      <PageHeader title="Data planes" description="Gateway nodes, the config version each one runs and how far behind the version it should run it is. Updates live." />
      <div className="mb-5 grid grid-cols-1 gap-4 sm:grid-cols-3">
        <Stat label="Current version" value={currentVersion === null ? "—" : currentVersion} testId="current-version" hint={current.data ? `Published ${relativeTime(current.data.createdAt, now)}${current.data.author ? ` by ${current.data.author}` : ""}` : undefined} />
        <Stat label="Connected" value={planes.data ? `${connected.length} / ${planes.data.length}` : "—"} />
        <Stat label="In sync" value={planes.data ? `${inSync.length} / ${connected.length}` : "—"} />
      </div>
      <Card>
        {planes.isError ? (
          <div className="p-4">
            <QueryError error={planes.error} onRetry={() => void planes.refetch()} />
          </div>
        ) : planes.isPending ? (
          <div className="space-y-3 p-5" aria-busy="true" aria-label="Loading data planes">
            {[0, 1].map((i) => (
              <div key={i} className="h-12 animate-pulse rounded-md bg-muted" />
            ))}
          </div>
        ) : planes.data.length === 0 ? (
          <EmptyState icon={<ServerIcon />} title="No data planes yet">
            Start a gateway with <code className="font-mono">SWITCHYARD_CP_URL</code> pointing here and it appears in this list.
          </EmptyState>
        ) : (
          <Table aria-label="Data planes">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Node</TableHead>
                <TableHead className="hidden lg:table-cell">Labels</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Version</TableHead>
                <TableHead>Lag</TableHead>
                <TableHead className="hidden sm:table-cell">Last seen</TableHead>
                <TableHead className="hidden md:table-cell">Last error</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {planes.data.map((p) => {
                const labels = Object.entries(p.labels ?? {});
                return (
                  <TableRow key={p.id} data-testid={`dp-row-${p.id}`} data-connected={p.connected ? "true" : "false"}>
                    <TableCell>
                      <div className="font-mono text-xs font-medium">{p.id}</div>
                      <div className="text-xs text-muted-foreground">
                        {p.hostname}
                        {p.softwareVersion ? ` · v${p.softwareVersion}` : ""}
                      </div>
                    </TableCell>
                    <TableCell className="hidden lg:table-cell">
                      {labels.length === 0 ? (
                        <span className="text-muted-foreground">—</span>
                      ) : (
                        <div className="flex max-w-64 flex-wrap gap-1">
                          {labels.map(([k, v]) => (
                            <Badge key={k} variant="secondary" className="font-mono">
                              {k}={v}
                            </Badge>
                          ))}
                        </div>
                      )}
                    </TableCell>
                    <TableCell>
                      {p.connected ? (
                        <Badge variant="success" data-testid={`dp-connected-${p.id}`}>
                          <span className="size-1.5 rounded-full bg-success" aria-hidden="true" /> Connected
                        </Badge>
                      ) : (
                        <Badge variant="secondary" data-testid={`dp-connected-${p.id}`}>
                          <span className="size-1.5 rounded-full bg-muted-foreground" aria-hidden="true" /> Disconnected
                        </Badge>
                      )}
                    </TableCell>
                    <TableCell>
                      <span className="tabular-nums text-sm" title={p.targetVersion !== null && p.targetVersion !== currentVersion ? `Should run v${p.targetVersion} (staged rollout)` : undefined}>
                        v<span data-testid={`dp-applied-${p.id}`}>{p.appliedVersion ?? "—"}</span>
                        <span className="text-muted-foreground"> / {p.targetVersion ?? "—"}</span>
                      </span>
                    </TableCell>
                    <TableCell data-testid={`dp-lag-${p.id}`} data-lag={p.lag ?? ""}>
                      {p.lag === null ? (
                        <span className="text-muted-foreground">—</span>
                      ) : p.lag === 0 ? (
                        <Badge variant="success" data-testid={`dp-sync-${p.id}`}>In sync</Badge>
                      ) : p.lag > 0 ? (
                        <Badge variant="warning" data-testid={`dp-sync-${p.id}`}>
                          {p.lag} behind
                        </Badge>
                      ) : (
                        <Badge variant="destructive" data-testid={`dp-sync-${p.id}`} title="Runs a newer version whose rollout was halted">
                          {-p.lag} ahead (halted)
                        </Badge>
                      )}
                    </TableCell>
                    <TableCell className="hidden whitespace-nowrap text-sm text-muted-foreground sm:table-cell">
                      <time dateTime={p.lastSeenAt ?? undefined} title={p.lastSeenAt ? new Date(p.lastSeenAt).toLocaleString() : undefined}>
                        {p.connected && (!p.lastSeenAt || now - Date.parse(p.lastSeenAt) < 5_000) ? "now" : relativeTime(p.lastSeenAt, now)}
                      </time>
                    </TableCell>
                    <TableCell className="hidden max-w-72 md:table-cell">
                      {p.lastError ? (
                        <span className="line-clamp-2 text-xs text-destructive" title={p.lastError}>
                          {p.lastError}
                        </span>
                      ) : (
                        <span className="text-muted-foreground">—</span>
                      )}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </Card>
    </>
  );
}
