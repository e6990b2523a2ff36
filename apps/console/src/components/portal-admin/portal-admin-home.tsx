"use client";

import { useState } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PlusIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { PlanSwitcher } from "@/components/portal/plan-switcher.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { Badge, type BadgeVariant } from "@/components/ui/badge.tsx";
import { Button, buttonClasses } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Select } from "@/components/ui/select.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table.tsx";
import { formatMicros, priceSummary } from "@/lib/portal-price.ts";
import { errorMessage } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

const STATUS: Record<string, BadgeVariant> = { active: "success", pending: "warning", suspended: "destructive", rejected: "destructive", cancelled: "secondary" };
const ACTIONS: Record<string, ("approve" | "reject" | "suspend" | "resume")[]> = { pending: ["approve", "reject"], active: ["suspend"], suspended: ["resume"] };

function Products() {
  const trpc = useTRPC();
  const products = useQuery(trpc.portal.admin.products.queryOptions());
  return (
    <Card>
      <CardHeader className="flex-row items-center justify-between">
        <div><CardTitle>API products</CardTitle><CardDescription>Routes, OpenAPI document, guides and plans published in the portal.</CardDescription></div>
        <Link href="/portal-admin/products/new" className={buttonClasses("default", "sm")} data-testid="new-product"><PlusIcon /> New product</Link>
      </CardHeader>
      <CardContent>
        {products.isError && <QueryError error={products.error} onRetry={() => void products.refetch()} />}
        <Table>
          <TableHeader><TableRow><TableHead>Product</TableHead><TableHead>Routes</TableHead><TableHead>Plans</TableHead><TableHead>Subscriptions</TableHead><TableHead /></TableRow></TableHeader>
          <TableBody>
            {products.data?.length === 0 && <TableRow><TableCell colSpan={5} className="text-muted-foreground">No products yet.</TableCell></TableRow>}
            {products.data?.map((p) => (
              <TableRow key={p.id}>
                <TableCell><div className="font-medium">{p.name}</div><div className="font-mono text-xs text-muted-foreground">{p.slug}</div>{!p.published && <Badge variant="secondary">draft</Badge>}{p.requiresApproval && <Badge variant="outline">approval</Badge>}</TableCell>
                <TableCell className="font-mono text-xs">{p.routes.join(", ") || "—"}</TableCell>
                <TableCell className="text-xs">{p.plans.map((pl) => <div key={pl.id}>{pl.name}: {priceSummary(pl.price, pl.currency)}</div>)}</TableCell>
                <TableCell>{p.subscriptions}</TableCell>
                <TableCell className="text-right"><Link href={`/portal-admin/products/${p.slug}`} className={buttonClasses("outline", "sm")}>Edit</Link></TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

function Subscriptions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<"" | "pending" | "active" | "suspended">("");
  const subs = useQuery({ ...trpc.portal.admin.subscriptions.queryOptions(status ? { status } : {}), refetchInterval: 10_000 });
  const act = useMutation(trpc.portal.admin.setSubscriptionStatus.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.portal.admin.pathFilter()) }));
  const changePlan = useMutation(trpc.portal.admin.changeSubscriptionPlan.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.portal.admin.pathFilter()) }));
  return (
    <Card>
      <CardHeader className="flex-row items-center justify-between">
        <div><CardTitle>Subscriptions</CardTitle><CardDescription>Approve, suspend, resume or move to another plan; the gateway follows within a second.</CardDescription></div>
        <div className="w-40 shrink-0">
          <Select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="">All</option><option value="pending">Pending</option><option value="active">Active</option><option value="suspended">Suspended</option>
          </Select>
        </div>
      </CardHeader>
      <CardContent>
        {(act.error ?? changePlan.error) && <p role="alert" className="mb-3 text-sm text-destructive">{errorMessage((act.error ?? changePlan.error)!)}</p>}
        <Table>
          <TableHeader><TableRow><TableHead>Developer / app</TableHead><TableHead>Product</TableHead><TableHead>Plan</TableHead><TableHead>Status</TableHead><TableHead>Consumer</TableHead><TableHead /></TableRow></TableHeader>
          <TableBody>
            {subs.data?.length === 0 && <TableRow><TableCell colSpan={6} className="text-muted-foreground">No subscriptions.</TableCell></TableRow>}
            {subs.data?.map((s) => (
              <TableRow key={s.id} data-testid={`admin-subscription-${s.developer.email}`}>
                <TableCell><div>{s.developer.email}</div><div className="text-xs text-muted-foreground">{s.app.name}</div></TableCell>
                <TableCell>{s.product.name}</TableCell>
                <TableCell>
                  <div data-testid="admin-subscription-plan">{s.plan}</div>
                  {s.status !== "cancelled" && s.status !== "rejected" && (
                    <div className="mt-1"><PlanSwitcher key={s.planId} planId={s.planId} plans={s.plans} disabled={changePlan.isPending} onChange={(planId) => changePlan.mutate({ id: s.id, planId })} testIdPrefix="admin-" /></div>
                  )}
                </TableCell>
                <TableCell><Badge variant={STATUS[s.status] ?? "outline"}>{s.status}</Badge></TableCell>
                <TableCell className="font-mono text-xs">{s.consumer}</TableCell>
                <TableCell className="text-right">
                  {(ACTIONS[s.status] ?? []).map((a) => (
                    <Button key={a} variant={a === "suspend" || a === "reject" ? "destructive" : "outline"} size="sm" className="ml-1 capitalize" disabled={act.isPending} onClick={() => act.mutate({ id: s.id, action: a })} data-testid={`subscription-${a}`}>{a}</Button>
                  ))}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

function Developers() {
  const trpc = useTRPC();
  const devs = useQuery(trpc.portal.admin.developers.queryOptions());
  return (
    <Card>
      <CardHeader><CardTitle>Developers</CardTitle><CardDescription>Everyone who signed up in the portal.</CardDescription></CardHeader>
      <CardContent>
        <Table>
          <TableHeader><TableRow><TableHead>E-mail</TableHead><TableHead>Verified</TableHead><TableHead>Apps</TableHead><TableHead>Active subscriptions</TableHead><TableHead>Joined</TableHead></TableRow></TableHeader>
          <TableBody>
            {devs.data?.length === 0 && <TableRow><TableCell colSpan={5} className="text-muted-foreground">Nobody yet.</TableCell></TableRow>}
            {devs.data?.map((d) => (
              <TableRow key={d.id}>
                <TableCell>{d.email}</TableCell>
                <TableCell>{d.verified ? <Badge variant="success">yes</Badge> : <Badge variant="warning">no</Badge>}</TableCell>
                <TableCell>{d.apps}</TableCell>
                <TableCell>{d.activeSubscriptions}</TableCell>
                <TableCell className="text-xs text-muted-foreground">{new Date(d.createdAt).toLocaleDateString()}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

function Revenue() {
  const trpc = useTRPC();
  const month = new Date().toISOString().slice(0, 7);
  const revenue = useQuery(trpc.portal.admin.revenue.queryOptions({ month }));
  const rows = (list: { requests: number; micros: number }[] | undefined, label: (r: never) => string) =>
    list?.map((r, i) => <TableRow key={i}><TableCell>{label(r as never)}</TableCell><TableCell className="text-right tabular-nums">{r.requests.toLocaleString("en")}</TableCell><TableCell className="text-right tabular-nums">{formatMicros(r.micros)}</TableCell></TableRow>);
  return (
    <Card>
      <CardHeader><CardTitle>Usage and revenue · {month}</CardTitle><CardDescription>Billable requests counted by the gateway, priced with each subscription&apos;s plan.</CardDescription></CardHeader>
      <CardContent className="grid gap-6 2xl:grid-cols-3">
        {([["Product", revenue.data?.products, (r: { product: string }) => r.product], ["Plan", revenue.data?.plans, (r: { product: string; plan: string }) => `${r.product} · ${r.plan}`], ["Developer", revenue.data?.developers, (r: { developer: string }) => r.developer]] as const).map(([title, list, label]) => (
          <Table key={title}>
            <TableHeader><TableRow><TableHead>{title}</TableHead><TableHead className="text-right">Requests</TableHead><TableHead className="text-right">Revenue</TableHead></TableRow></TableHeader>
            <TableBody>{rows(list as { requests: number; micros: number }[] | undefined, label as (r: never) => string)}</TableBody>
          </Table>
        ))}
      </CardContent>
    </Card>
  );
}

/** Admin side of the developer portal. */
export function PortalAdminHome() {
  return (
    <div className="grid gap-6">
      <PageHeader title="Developer portal" description="Products and plans outside developers subscribe to; the portal is at /portal." actions={<Link href="/portal" className={buttonClasses("outline", "sm")} target="_blank">Open the portal</Link>} />
      <Products />
      <Subscriptions />
      <Revenue />
      <Developers />
    </div>
  );
}
