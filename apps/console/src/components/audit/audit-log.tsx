"use client";

import { useEffect, useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { EmptyState } from "@/components/empty-state.tsx";
import { AuditIcon, SearchIcon, SpinnerIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { Badge, type BadgeVariant } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Select } from "@/components/ui/select.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table.tsx";
import { errorCode } from "@/lib/trpc-error.ts";
import { relativeTime, useNow } from "@/lib/use-now.ts";
import { useTRPC } from "@/trpc/react.tsx";

const ACTIONS = [
  { value: "", label: "All actions" },
  { value: "config.", label: "Config: publish, rollback, promote, halt" },
  { value: "routes.", label: "Routes" },
  { value: "users.", label: "Users" },
  { value: "auth.", label: "Sign-ins and tokens" },
  { value: "auth.login-failed", label: "Failed sign-ins" },
] as const;

function actionVariant(action: string): BadgeVariant {
  if (action === "auth.login-failed" || action === "config.halt" || action === "config.nack" || action.endsWith(".delete")) return "destructive";
  if (action === "config.rollback" || action === "config.promote") return "warning";
  if (action.startsWith("auth.")) return "secondary";
  return "default";
}

function detailText(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof detail.version === "number") parts.push(`v${detail.version}`);
  if (typeof detail.message === "string" && detail.message) parts.push(`“${detail.message}”`);
  if (detail.selector && typeof detail.selector === "object") parts.push(`to ${Object.entries(detail.selector as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(",")}`);
  if (typeof detail.from === "string" && typeof detail.role === "string") parts.push(`${detail.from} → ${detail.role}`);
  else if (typeof detail.role === "string") parts.push(`role ${detail.role}`);
  if (typeof detail.reason === "string") parts.push(detail.reason);
  else if (typeof detail.error === "string") parts.push(detail.error);
  return parts.join(" · ");
}

/** The audit log: newest first, searchable by actor, action, target or address. */
export function AuditLog() {
  const trpc = useTRPC();
  const now = useNow(10_000);
  const [input, setInput] = useState("");
  const [search, setSearch] = useState("");
  const [action, setAction] = useState("");
  // Search as the user types, once they pause.
  useEffect(() => {
    const id = setTimeout(() => setSearch(input.trim()), 250);
    return () => clearTimeout(id);
  }, [input]);

  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { limit: 50, ...(search ? { search } : {}), ...(action ? { action } : {}) },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchInterval: 10_000 },
    ),
  );
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader title="Audit log" description="Every change and sign-in: who, what, when and from where." />
      <Card>
        <div className="flex flex-col gap-3 border-b p-4 sm:flex-row sm:items-center">
          <div className="relative w-full sm:max-w-sm">
            <SearchIcon className="pointer-events-none absolute left-3 top-1/2 -translate-y-1/2 text-muted-foreground" />
            <Input type="search" placeholder="Search user, action, target or address" aria-label="Search the audit log" className="pl-9" value={input} onChange={(e) => setInput(e.target.value)} data-testid="audit-search" />
          </div>
          <Select className="sm:w-72" value={action} onChange={(e) => setAction(e.target.value)} aria-label="Filter by action" data-testid="audit-action">
            {ACTIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </Select>
          {events.isFetching && !events.isFetchingNextPage && <SpinnerIcon className="text-muted-foreground" aria-label="Loading" />}
        </div>
        {events.isError ? (
          <div className="p-4">
            <QueryError error={errorCode(events.error) === "FORBIDDEN" ? { message: "Only admins can read the audit log." } : events.error} onRetry={() => void events.refetch()} />
          </div>
        ) : events.isPending ? (
          <div className="space-y-3 p-5" aria-busy="true" aria-label="Loading the audit log">
            {[0, 1, 2].map((i) => (
              <div key={i} className="h-10 animate-pulse rounded-md bg-muted" />
            ))}
          </div>
        ) : items.length === 0 ? (
          <EmptyState icon={<AuditIcon />} title={search || action ? "Nothing matches" : "No events yet"}>
            {search ? `No event mentions “${search}”.` : null}
          </EmptyState>
        ) : (
          <>
            <Table aria-label="Audit events">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>When</TableHead>
                  <TableHead>Who</TableHead>
                  <TableHead>Action</TableHead>
                  <TableHead>Target</TableHead>
                  <TableHead className="hidden lg:table-cell">Detail</TableHead>
                  <TableHead className="hidden sm:table-cell">From</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.map((e) => (
                  <TableRow key={e.id} data-testid="audit-row" data-action={e.action}>
                    <TableCell className="whitespace-nowrap text-sm text-muted-foreground">
                      <time dateTime={e.at} title={new Date(e.at).toLocaleString()}>{relativeTime(e.at, now)}</time>
                    </TableCell>
                    <TableCell className="font-medium">{e.actor}</TableCell>
                    <TableCell>
                      <Badge variant={actionVariant(e.action)} className="font-mono">
                        {e.action}
                      </Badge>
                    </TableCell>
                    <TableCell className="font-mono text-xs">{e.target}</TableCell>
                    <TableCell className="hidden max-w-80 truncate text-sm text-muted-foreground lg:table-cell" title={detailText(e.detail)}>
                      {detailText(e.detail) || "—"}
                    </TableCell>
                    <TableCell className="hidden font-mono text-xs text-muted-foreground sm:table-cell">{e.ip ?? "—"}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {events.hasNextPage && (
              <div className="flex justify-center border-t p-3">
                <Button variant="outline" size="sm" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage} data-testid="audit-more">
                  {events.isFetchingNextPage && <SpinnerIcon />} Load older events
                </Button>
              </div>
            )}
          </>
        )}
      </Card>
    </>
  );
}
