"use client";

import { useMemo, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import type { Route } from "@switchyard/config";
import { EmptyState } from "@/components/empty-state.tsx";
import { PlusIcon, RoutesIcon, SearchIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { SplitBar, splitColor } from "@/components/split-bar.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { buttonClasses } from "@/components/ui/button.tsx";
import { Card } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table.tsx";
import { cn } from "@/lib/cn.ts";
import { destinationLabel, formatPercent, splitPercents } from "@/lib/split.ts";
import { useTRPC } from "@/trpc/react.tsx";

function matchesSearch(route: Route, q: string): boolean {
  if (!q) return true;
  const haystack = [
    route.name,
    route.description ?? "",
    route.path.value,
    ...route.hosts,
    ...route.rules.flatMap((r) => r.destinations.map(destinationLabel)),
  ]
    .join(" ")
    .toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => haystack.includes(term));
}

function RuleSplit({ rule, index, total }: { rule: Route["rules"][number]; index: number; total: number }) {
  const percents = splitPercents(rule.destinations.map((d) => d.weight));
  const parts = rule.destinations.map((d, i) => ({ label: destinationLabel(d), percent: percents[i] ?? 0 }));
  return (
    <div className="flex min-w-40 flex-col gap-1.5">
      {total > 1 && <span className="text-xs text-muted-foreground">{rule.name ?? `Rule ${index + 1}`}{rule.match?.length ? " (conditional)" : ""}</span>}
      <ul className="flex flex-col gap-0.5">
        {parts.map((p, i) => (
          <li key={i} className="flex items-center gap-2 text-sm">
            <span className={cn("size-2 shrink-0 rounded-full", splitColor(i))} aria-hidden="true" />
            <span className="truncate font-mono text-xs">{p.label}</span>
            <span className="ml-auto pl-2 tabular-nums text-muted-foreground">{formatPercent(p.percent)}</span>
          </li>
        ))}
      </ul>
      <SplitBar parts={parts} />
    </div>
  );
}

export function RoutesList() {
  const trpc = useTRPC();
  const router = useRouter();
  const routes = useQuery(trpc.routes.list.queryOptions());
  const [search, setSearch] = useState("");
  const filtered = useMemo(() => (routes.data ?? []).filter((r) => matchesSearch(r, search.trim())), [routes.data, search]);

  return (
    <>
      <PageHeader
        title="Routes"
        description="Match incoming requests and split their traffic between service versions."
        actions={
          <Link href="/routes/new" className={buttonClasses()} data-testid="route-new">
            <PlusIcon /> New route
          </Link>
        }
      />
      <Card>
        <div className="flex items-center gap-3 border-b p-4">
          <div className="relative w-full max-w-sm">
            <SearchIcon className="pointer-events-none absolute left-3 top-1/2 -translate-y-1/2 text-muted-foreground" />
            <Input
              type="search"
              placeholder="Search by name, host, path or service"
              aria-label="Search routes"
              className="pl-9"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              data-testid="routes-search"
            />
          </div>
          {routes.data && (
            <span className="ml-auto hidden text-sm text-muted-foreground sm:inline">
              {filtered.length} of {routes.data.length}
            </span>
          )}
        </div>
        {routes.isError ? (
          <div className="p-4">
            <QueryError error={routes.error} onRetry={() => void routes.refetch()} />
          </div>
        ) : routes.isPending ? (
          <div className="space-y-3 p-5" aria-busy="true" aria-label="Loading routes">
            {[0, 1, 2].map((i) => (
              <div key={i} className="h-12 animate-pulse rounded-md bg-muted" />
            ))}
          </div>
        ) : routes.data.length === 0 ? (
          <EmptyState icon={<RoutesIcon />} title="No routes yet">
            Create a route to send traffic from a host and path to one or more services.
          </EmptyState>
        ) : filtered.length === 0 ? (
          <EmptyState icon={<SearchIcon />} title="No matching routes">
            Nothing matches “{search}”.
          </EmptyState>
        ) : (
          <Table>
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Name</TableHead>
                <TableHead className="hidden md:table-cell">Hosts</TableHead>
                <TableHead className="hidden sm:table-cell">Path</TableHead>
                <TableHead>Destinations</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {filtered.map((route) => (
                <TableRow
                  key={route.name}
                  className="cursor-pointer align-top"
                  onClick={() => router.push(`/routes/${encodeURIComponent(route.name)}`)}
                  data-testid={`route-row-${route.name}`}
                >
                  <TableCell className="align-top">
                    <Link
                      href={`/routes/${encodeURIComponent(route.name)}`}
                      className="rounded-sm font-medium hover:underline"
                      onClick={(e) => e.stopPropagation()}
                    >
                      {route.name}
                    </Link>
                    {route.description && <p className="mt-0.5 max-w-56 truncate text-xs text-muted-foreground">{route.description}</p>}
                    <code className="mt-1 block font-mono text-xs text-muted-foreground sm:hidden">{route.path.value}</code>
                  </TableCell>
                  <TableCell className="hidden align-top md:table-cell">
                    {route.hosts.length === 0 ? (
                      <span className="text-muted-foreground">Any host</span>
                    ) : (
                      <div className="flex max-w-60 flex-wrap gap-1">
                        {route.hosts.map((h) => (
                          <Badge key={h} variant="secondary" className="font-mono">
                            {h}
                          </Badge>
                        ))}
                      </div>
                    )}
                  </TableCell>
                  <TableCell className="hidden align-top sm:table-cell">
                    <div className="flex flex-col gap-1">
                      <code className="font-mono text-xs">{route.path.value}</code>
                      <span className="text-xs text-muted-foreground">
                        {route.path.type}
                        {route.methods.length > 0 && ` · ${route.methods.join(", ")}`}
                      </span>
                    </div>
                  </TableCell>
                  <TableCell className="align-top">
                    <div className="flex flex-col gap-3">
                      {route.rules.map((rule, i) => (
                        <RuleSplit key={i} rule={rule} index={i} total={route.rules.length} />
                      ))}
                    </div>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </>
  );
}
