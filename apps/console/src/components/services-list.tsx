"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { Service } from "@switchyard/config";
import { EmptyState } from "@/components/empty-state.tsx";
import { PlusIcon, ServicesIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { buttonClasses } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table.tsx";
import { useTRPC } from "@/trpc/react.tsx";

function Labels({ labels }: { labels: Record<string, string> }) {
  const entries = Object.entries(labels);
  if (entries.length === 0) return <span className="text-muted-foreground">—</span>;
  return (
    <div className="flex flex-wrap gap-1">
      {entries.map(([k, v]) => (
        <Badge key={k} variant="secondary" className="font-mono">
          {k}={v}
        </Badge>
      ))}
    </div>
  );
}

/** Targets of a service that a subset selects: every subset label must be present on the target. */
function subsetTargets(service: Service, labels: Record<string, string>): number {
  return service.targets.filter((t) => Object.entries(labels).every(([k, v]) => t.labels[k] === v)).length;
}

function ServiceCard({ service }: { service: Service }) {
  const lb = service.trafficPolicy?.loadBalancer?.type ?? "round-robin";
  return (
    <Card data-testid={`service-${service.name}`}>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-2">
        <div className="flex flex-col gap-1.5">
          <CardTitle><Link href={`/services/${encodeURIComponent(service.name)}`} className="hover:underline" data-testid={`service-link-${service.name}`}>{service.name}</Link></CardTitle>
          <CardDescription>{service.description ?? `${service.targets.length} target${service.targets.length === 1 ? "" : "s"}, ${service.subsets.length} subset${service.subsets.length === 1 ? "" : "s"}`}</CardDescription>
        </div>
        <Badge variant="outline">{lb}</Badge>
      </CardHeader>
      <CardContent className="flex flex-col gap-5 px-0 sm:px-0">
        <div>
          <h3 className="mb-1 px-5 text-xs font-medium uppercase tracking-wide text-muted-foreground sm:px-6">Targets</h3>
          <Table aria-label={`Targets of ${service.name}`}>
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Address</TableHead>
                <TableHead>Weight</TableHead>
                <TableHead>Labels</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {service.targets.map((t) => (
                <TableRow key={`${t.host}:${t.port}`}>
                  <TableCell className="font-mono text-xs">
                    {t.host}:{t.port}
                  </TableCell>
                  <TableCell className="tabular-nums">{t.weight}</TableCell>
                  <TableCell>
                    <Labels labels={t.labels} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
        {service.subsets.length > 0 && (
          <div>
            <h3 className="mb-1 px-5 text-xs font-medium uppercase tracking-wide text-muted-foreground sm:px-6">Subsets</h3>
            <Table aria-label={`Subsets of ${service.name}`}>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Name</TableHead>
                  <TableHead>Selector</TableHead>
                  <TableHead>Targets</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {service.subsets.map((s) => (
                  <TableRow key={s.name}>
                    <TableCell className="font-medium">{s.name}</TableCell>
                    <TableCell>
                      <Labels labels={s.labels} />
                    </TableCell>
                    <TableCell className="tabular-nums">{subsetTargets(service, s.labels)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </CardContent>
    </Card>
  );
}

export function ServicesList() {
  const trpc = useTRPC();
  const services = useQuery(trpc.services.list.queryOptions());
  return (
    <>
      <PageHeader title="Services" description="Upstream services, their targets and the subsets routes can send traffic to." actions={<Link href="/services/new" className={buttonClasses()} data-testid="service-new"><PlusIcon /> New service</Link>} />
      {services.isError ? (
        <QueryError error={services.error} onRetry={() => void services.refetch()} />
      ) : services.isPending ? (
        <div className="grid gap-5 lg:grid-cols-2">
          {[0, 1].map((i) => (
            <div key={i} className="h-56 animate-pulse rounded-xl bg-muted" />
          ))}
        </div>
      ) : services.data.length === 0 ? (
        <Card>
          <EmptyState icon={<ServicesIcon />} title="No services yet">
            Services are defined in the gateway config (<code className="font-mono">switchyard apply -f</code>).
          </EmptyState>
        </Card>
      ) : (
        <div className="grid items-start gap-5 lg:grid-cols-2">
          {services.data.map((s) => (
            <ServiceCard key={s.name} service={s as Service} />
          ))}
        </div>
      )}
    </>
  );
}
