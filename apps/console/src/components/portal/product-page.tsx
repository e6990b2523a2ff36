"use client";

import { useState } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiReference } from "@/components/portal/api-reference.tsx";
import { KeyReveal } from "@/components/portal/key-reveal.tsx";
import { Markdown } from "@/components/portal/markdown.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Button, buttonClasses } from "@/components/ui/button.tsx";
import { Label } from "@/components/ui/label.tsx";
import { Select } from "@/components/ui/select.tsx";
import { cn } from "@/lib/cn.ts";
import { limitLines, priceSummary, tierLines } from "@/lib/portal-price.ts";
import type { ProductPage as Product } from "@/lib/portal-types.ts";
import { errorMessage } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

function Subscribe({ product, planId }: { product: Product; planId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.portal.auth.me.queryOptions());
  const apps = useQuery({ ...trpc.portal.apps.list.queryOptions(), enabled: Boolean(me.data) });
  const [appId, setAppId] = useState("");
  const [key, setKey] = useState<string | null>(null);
  const subscribe = useMutation(
    trpc.portal.apps.subscribe.mutationOptions({
      onSuccess: async (r) => {
        setKey(r.key);
        await queryClient.invalidateQueries(trpc.portal.apps.pathFilter());
      },
    }),
  );
  if (!me.data) return <Link href={`/portal/sign-in?next=/portal/products/${product.slug}`} className={buttonClasses("default", "sm")}>Sign in to subscribe</Link>;
  if (key) {
    return (
      <div className="grid gap-2">
        {subscribe.data?.status === "pending" && <p className="text-sm">Your subscription waits for approval; the key works once it is approved.</p>}
        <KeyReveal apiKey={key} onDone={() => setKey(null)} />
      </div>
    );
  }
  const choices = (apps.data ?? []).filter((a) => !a.subscriptions.some((s) => s.product.slug === product.slug && s.status !== "cancelled" && s.status !== "rejected"));
  if (apps.data && apps.data.length === 0) return <Link href="/portal/apps" className={buttonClasses("outline", "sm")}>Create an app first</Link>;
  return (
    <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); subscribe.mutate({ appId: appId || choices[0]!.id, productSlug: product.slug, planId }); }} aria-label="Subscribe">
      <div className="grid gap-1">
        <Label htmlFor={`app-${planId}`} className="text-xs">App</Label>
        <div className="w-44">
          <Select id={`app-${planId}`} value={appId || choices[0]?.id || ""} onChange={(e) => setAppId(e.target.value)} className="h-8" data-testid="subscribe-app">
            {choices.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </Select>
        </div>
      </div>
      <Button type="submit" size="sm" disabled={choices.length === 0 || subscribe.isPending} data-testid={`subscribe-${planId}`}>Subscribe</Button>
      {choices.length === 0 && apps.data && <p className="w-full text-xs text-muted-foreground">All your apps are subscribed already.</p>}
      {subscribe.error && <p role="alert" className="w-full text-xs text-destructive">{errorMessage(subscribe.error)}</p>}
    </form>
  );
}

type Tab = "overview" | "reference" | string;

/** A product: description, plans with limits and prices, guides, API reference. */
export function ProductPage({ slug, gateway }: { slug: string; gateway: string }) {
  const trpc = useTRPC();
  const product = useQuery(trpc.portal.catalog.get.queryOptions({ slug }));
  const [tab, setTab] = useState<Tab>("overview");
  if (product.isPending) return <p className="text-muted-foreground">Loading…</p>;
  if (product.isError) return <p role="alert" className="text-destructive">{errorMessage(product.error)}</p>;
  const p = product.data;
  const tabs: [Tab, string][] = [["overview", "Overview"], ...p.guides.map((g, i): [Tab, string] => [`guide-${i}`, g.title]), ...(p.reference ? [["reference", "API reference"] as [Tab, string]] : [])];
  const guide = tab.startsWith("guide-") ? p.guides[Number(tab.slice(6))] : undefined;
  return (
    <div className="grid gap-8">
      <div>
        <Link href="/portal" className="text-sm text-muted-foreground hover:text-foreground">← All APIs</Link>
        <h1 className="mt-2 text-3xl font-semibold tracking-tight">{p.name}</h1>
        {p.description && <p className="mt-2 max-w-3xl text-muted-foreground">{p.description}</p>}
        {p.requiresApproval && <Badge variant="secondary" className="mt-3">Subscriptions need approval</Badge>}
      </div>
      <div role="tablist" aria-label="Product sections" className="flex flex-wrap gap-1 border-b">
        {tabs.map(([id, label]) => (
          <button key={id} role="tab" type="button" aria-selected={tab === id} onClick={() => setTab(id)} data-testid={`tab-${id}`}
            className={cn("-mb-px border-b-2 px-3 py-2 text-sm font-medium", tab === id ? "border-primary text-foreground" : "border-transparent text-muted-foreground hover:text-foreground")}>
            {label}
          </button>
        ))}
      </div>
      {tab === "overview" && (
        <section aria-label="Plans">
          <h2 className="mb-4 text-lg font-semibold">Plans</h2>
          {p.plans.length === 0 && <p className="text-muted-foreground">No plans yet.</p>}
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {p.plans.map((plan) => (
              <li key={plan.id} className="flex flex-col gap-3 rounded-xl border bg-card p-5 shadow-sm" data-testid={`plan-${plan.name}`}>
                <div>
                  <h3 className="font-semibold">{plan.name}</h3>
                  <p className="mt-1 text-2xl font-semibold tracking-tight" data-testid="plan-price">{priceSummary(plan.price, plan.currency)}</p>
                  {tierLines(plan.price, plan.currency).map((l) => <p key={l} className="text-xs text-muted-foreground">{l}</p>)}
                </div>
                <ul className="flex-1 text-sm text-muted-foreground">{limitLines(plan).map((l) => <li key={l}>• {l}</li>)}</ul>
                <Subscribe product={p} planId={plan.id} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {guide && <article className="max-w-3xl"><Markdown source={guide.markdown} /></article>}
      {tab === "reference" && p.reference && <ApiReference document={p.reference as Record<string, unknown>} gateway={gateway} />}
    </div>
  );
}
