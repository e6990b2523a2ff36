"use client";

import { useState } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyReveal } from "@/components/portal/key-reveal.tsx";
import { PlanSwitcher } from "@/components/portal/plan-switcher.tsx";
import { SignInPrompt } from "@/components/portal/portal-shell.tsx";
import { Badge, type BadgeVariant } from "@/components/ui/badge.tsx";
import { Button, buttonClasses } from "@/components/ui/button.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import type { PortalApp } from "@/lib/portal-types.ts";
import { errorCode, errorMessage } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

const STATUS: Record<string, BadgeVariant> = { active: "success", pending: "warning", suspended: "destructive", rejected: "destructive", cancelled: "secondary" };

function CreateApp() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation(trpc.portal.apps.create.mutationOptions({ onSuccess: async () => { setName(""); await queryClient.invalidateQueries(trpc.portal.apps.pathFilter()); } }));
  return (
    <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); create.mutate({ name }); }} aria-label="Create an app">
      <div className="grid gap-1">
        <Label htmlFor="app-name">New app</Label>
        <Input id="app-name" placeholder="My integration" value={name} onChange={(e) => setName(e.target.value)} className="w-64" required data-testid="app-name" />
      </div>
      <Button type="submit" disabled={create.isPending} data-testid="create-app">Create app</Button>
      {create.error && <p role="alert" className="w-full text-sm text-destructive">{errorMessage(create.error)}</p>}
    </form>
  );
}

function Subscription({ sub, onKey }: { sub: PortalApp["subscriptions"][number]; onKey: (key: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.portal.apps.pathFilter());
  const createKey = useMutation(trpc.portal.apps.createKey.mutationOptions({ onSuccess: async (r) => { onKey(r.key); await refresh(); } }));
  const rotate = useMutation(trpc.portal.apps.rotateKey.mutationOptions({ onSuccess: async (r) => { onKey(r.key); await refresh(); } }));
  const revoke = useMutation(trpc.portal.apps.revokeKey.mutationOptions({ onSuccess: refresh }));
  const changePlan = useMutation(trpc.portal.apps.changePlan.mutationOptions({ onSuccess: refresh }));
  const live = sub.keys.filter((k) => k.revokedAt === null);
  const error = createKey.error ?? rotate.error ?? revoke.error ?? changePlan.error;
  const canChangePlan = sub.status !== "cancelled" && sub.status !== "rejected";
  return (
    <li className="rounded-lg border p-4" data-testid={`subscription-${sub.product.slug}`}>
      <div className="flex flex-wrap items-center gap-2">
        <Link href={`/portal/products/${sub.product.slug}`} className="font-medium hover:underline">{sub.product.name}</Link>
        <Badge variant="outline" data-testid="subscription-plan">{sub.plan.name}</Badge>
        <Badge variant={STATUS[sub.status] ?? "outline"} data-testid="subscription-status">{sub.status}</Badge>
        <span className="ml-auto" />
        {canChangePlan && <PlanSwitcher key={sub.plan.id} planId={sub.plan.id} plans={sub.plans} disabled={changePlan.isPending} onChange={(planId) => changePlan.mutate({ subscriptionId: sub.id, planId })} />}
        <Button variant="outline" size="sm" onClick={() => createKey.mutate({ subscriptionId: sub.id })} disabled={createKey.isPending}>New key</Button>
      </div>
      {sub.status === "pending" && <p className="mt-2 text-sm text-muted-foreground">Waiting for approval: keys work once an admin approves.</p>}
      {changePlan.data?.changed && <p className="mt-2 text-sm text-muted-foreground" data-testid="plan-changed">Now on {changePlan.data.plan}: its limits apply from now on, and this month&apos;s statement lists each plan&apos;s part.</p>}
      {sub.status === "suspended" && <p className="mt-2 text-sm text-destructive">Suspended: the gateway refuses this subscription&apos;s keys.</p>}
      <ul className="mt-3 divide-y text-sm">
        {live.length === 0 && <li className="py-2 text-muted-foreground">No live keys.</li>}
        {live.map((k) => (
          <li key={k.id} className="flex flex-wrap items-center gap-2 py-2">
            <code className="font-mono">{k.prefix}…</code>
            <span className="text-xs text-muted-foreground">created {new Date(k.createdAt).toLocaleString()}</span>
            <span className="ml-auto flex gap-1">
              <Button variant="ghost" size="sm" onClick={() => rotate.mutate({ keyId: k.id })} data-testid="rotate-key">Rotate</Button>
              <Button variant="ghost" size="sm" className="text-destructive" onClick={() => revoke.mutate({ keyId: k.id })} data-testid="revoke-key">Revoke</Button>
            </span>
          </li>
        ))}
      </ul>
      {error && <p role="alert" className="text-sm text-destructive">{errorMessage(error)}</p>}
    </li>
  );
}

/** A developer's apps, their subscriptions and keys. */
export function AppsPage() {
  const trpc = useTRPC();
  const apps = useQuery(trpc.portal.apps.list.queryOptions());
  const [newKey, setNewKey] = useState<string | null>(null);
  if (errorCode(apps.error) === "UNAUTHORIZED") return <SignInPrompt what="your apps" />;
  if (apps.isPending) return <p className="text-muted-foreground">Loading…</p>;
  if (apps.isError) return <p role="alert" className="text-destructive">{errorMessage(apps.error)}</p>;
  const month = new Date().toISOString().slice(0, 7);
  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">My apps</h1>
          <p className="mt-1 text-sm text-muted-foreground">Each app subscribes to APIs and holds their keys.</p>
        </div>
        <CreateApp />
      </div>
      {newKey && <KeyReveal apiKey={newKey} onDone={() => setNewKey(null)} />}
      {apps.data.length === 0 && <p className="rounded-lg border border-dashed p-8 text-center text-muted-foreground">No apps yet. Create one, then subscribe it to an API from the <Link href="/portal" className="text-primary underline">catalog</Link>.</p>}
      <ul className="grid gap-4">
        {apps.data.map((app) => (
          <li key={app.id} className="rounded-xl border bg-card p-5 shadow-sm" data-testid={`app-${app.name}`}>
            <div className="flex flex-wrap items-center gap-3">
              <h2 className="text-lg font-semibold">{app.name}</h2>
              <span className="ml-auto flex gap-2">
                <Link href={`/portal/apps/${app.id}/statement?month=${month}`} className={buttonClasses("outline", "sm")} data-testid="statement-link">Statement</Link>
                <Link href="/portal" className={buttonClasses("outline", "sm")}>Subscribe to an API</Link>
              </span>
            </div>
            <ul className="mt-4 grid gap-3">
              {app.subscriptions.length === 0 && <li className="text-sm text-muted-foreground">Not subscribed to any API yet.</li>}
              {app.subscriptions.map((s) => <Subscription key={s.id} sub={s} onKey={setNewKey} />)}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
