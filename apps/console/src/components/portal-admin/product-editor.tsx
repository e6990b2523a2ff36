"use client";

import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PageHeader } from "@/components/page-header.tsx";
import { PlanEditor } from "@/components/portal-admin/plan-editor.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Checkbox } from "@/components/ui/checkbox.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { errorMessage, serverFieldErrors } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

interface Draft { id?: string; name: string; slug: string; description: string; routes: string[]; openapi: string; guides: { title: string; markdown: string }[]; requiresApproval: boolean; published: boolean }
const EMPTY: Draft = { name: "", slug: "", description: "", routes: [], openapi: "", guides: [], requiresApproval: false, published: true };

/** Creates or edits an API product; plans are edited below once it exists. */
export function ProductEditor({ slug }: { slug: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const routes = useQuery(trpc.routes.list.queryOptions());
  const existing = useQuery({ ...trpc.portal.admin.product.queryOptions({ slug: slug ?? "" }), enabled: slug !== null });
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [openapiCheck, setOpenapiCheck] = useState<{ ok: boolean; text: string; problems: { path: string; message: string }[] } | null>(null);

  useEffect(() => {
    const p = existing.data;
    if (p) setDraft({ id: p.id, name: p.name, slug: p.slug, description: p.description, routes: p.routes, openapi: p.openapi ?? "", guides: p.guides, requiresApproval: p.requiresApproval, published: p.published });
  }, [existing.data]);

  const save = useMutation(trpc.portal.admin.saveProduct.mutationOptions({
    onSuccess: async (r) => {
      await queryClient.invalidateQueries(trpc.portal.pathFilter());
      if (slug !== r.slug) router.replace(`/portal-admin/products/${r.slug}`);
    },
  }));
  const del = useMutation(trpc.portal.admin.deleteProduct.mutationOptions({ onSuccess: async () => { await queryClient.invalidateQueries(trpc.portal.pathFilter()); router.push("/portal-admin"); } }));
  const fe = serverFieldErrors(save.error);
  const err = (path: string) => fe.filter((f) => f.path === path || f.path.startsWith(`${path}.`)).map((f) => f.message);

  async function validate(text = draft.openapi) {
    const r = await queryClient.fetchQuery(trpc.portal.admin.validateOpenapi.queryOptions({ text }, { staleTime: 0 }));
    setOpenapiCheck(r.ok ? { ok: true, text: `Valid: ${r.title} v${r.version}, ${r.operations} operation(s)`, problems: [] } : { ok: false, text: "The document is not valid", problems: r.problems });
  }
  async function starter() {
    const r = await queryClient.fetchQuery(trpc.portal.admin.starterOpenapi.queryOptions({ name: draft.name, description: draft.description, routes: draft.routes }, { staleTime: 0 }));
    setDraft((d) => ({ ...d, openapi: r.text }));
    await validate(r.text);
  }

  if (slug !== null && existing.isPending) return <p className="text-muted-foreground">Loading…</p>;
  if (existing.isError) return <p role="alert" className="text-destructive">{errorMessage(existing.error)}</p>;
  return (
    <div className="grid gap-6">
      <PageHeader title={slug ? `Product · ${draft.name}` : "New API product"} description="A product is a set of routes with an OpenAPI document and guides. Its routes require an API key of a subscribed app." />
      <Card>
        <CardHeader><CardTitle>Product</CardTitle></CardHeader>
        <CardContent>
          <form className="grid gap-4" aria-label="Product" onSubmit={(e) => { e.preventDefault(); save.mutate({ product: draft }); }}>
            <div className="grid gap-4 sm:grid-cols-2">
              <div className="grid gap-1"><Label htmlFor="p-name">Name</Label><Input id="p-name" value={draft.name} required onChange={(e) => setDraft({ ...draft, name: e.target.value, slug: draft.id ? draft.slug : e.target.value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") })} data-testid="product-name" /></div>
              <div className="grid gap-1"><Label htmlFor="p-slug">Slug (the consumer group at the gateway)</Label><Input id="p-slug" value={draft.slug} required onChange={(e) => setDraft({ ...draft, slug: e.target.value })} aria-invalid={err("slug").length ? true : undefined} data-testid="product-slug" />{err("slug").map((m) => <p key={m} className="text-xs text-destructive">{m}</p>)}</div>
            </div>
            <div className="grid gap-1"><Label htmlFor="p-desc">Description</Label><textarea id="p-desc" className="min-h-16 rounded-md border bg-card p-2 text-sm" value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} data-testid="product-description" /></div>
            <fieldset className="grid gap-2">
              <legend className="mb-1 text-sm font-medium">Routes</legend>
              <div className="flex flex-wrap gap-4">
                {routes.data?.map((r) => (
                  <label key={r.name} className="flex items-center gap-2 text-sm">
                    <Checkbox checked={draft.routes.includes(r.name)} onChange={(e) => setDraft({ ...draft, routes: e.currentTarget.checked ? [...draft.routes, r.name] : draft.routes.filter((x) => x !== r.name) })} data-testid={`product-route-${r.name}`} />
                    <span className="font-mono">{r.name}</span><span className="text-xs text-muted-foreground">{r.path.value}</span>
                  </label>
                ))}
              </div>
              {err("routes").map((m) => <p key={m} className="text-xs text-destructive">{m}</p>)}
            </fieldset>
            <div className="flex flex-wrap gap-6 text-sm">
              <label className="flex items-center gap-2"><Checkbox checked={draft.requiresApproval} onChange={(e) => setDraft({ ...draft, requiresApproval: e.currentTarget.checked })} /> Subscriptions need approval</label>
              <label className="flex items-center gap-2"><Checkbox checked={draft.published} onChange={(e) => setDraft({ ...draft, published: e.currentTarget.checked })} /> Published in the portal</label>
            </div>
            <div className="grid gap-2">
              <div className="flex flex-wrap items-center gap-2">
                <Label htmlFor="p-openapi">OpenAPI document (YAML or JSON)</Label>
                <label className="ml-auto cursor-pointer text-sm text-primary underline">Upload file<input type="file" accept=".yaml,.yml,.json" className="sr-only" data-testid="openapi-file" onChange={async (e) => { const f = e.target.files?.[0]; if (f) { const text = await f.text(); setDraft((d) => ({ ...d, openapi: text })); await validate(text); } }} /></label>
                <Button type="button" variant="outline" size="sm" onClick={() => void starter()} data-testid="openapi-starter">Generate from routes</Button>
                <Button type="button" variant="outline" size="sm" onClick={() => void validate()} data-testid="openapi-validate">Validate</Button>
              </div>
              <textarea id="p-openapi" className="min-h-48 rounded-md border bg-card p-2 font-mono text-xs" value={draft.openapi} onChange={(e) => { setDraft({ ...draft, openapi: e.target.value }); setOpenapiCheck(null); }} data-testid="product-openapi" />
              {openapiCheck && (
                <div role="status" className={openapiCheck.ok ? "text-sm text-success" : "text-sm text-destructive"} data-testid="openapi-result">
                  {openapiCheck.text}
                  {openapiCheck.problems.length > 0 && <ul className="mt-1 list-disc pl-5 font-mono text-xs">{openapiCheck.problems.map((p, i) => <li key={i}>{p.path && <span>{p.path}: </span>}{p.message}</li>)}</ul>}
                </div>
              )}
              {err("openapi").length > 0 && <ul className="list-disc pl-5 font-mono text-xs text-destructive">{err("openapi").map((m, i) => <li key={i}>{m}</li>)}</ul>}
            </div>
            <fieldset className="grid gap-3">
              <legend className="mb-1 text-sm font-medium">Guides (markdown)</legend>
              {draft.guides.map((g, i) => (
                <div key={i} className="grid gap-2 rounded-md border p-3">
                  <div className="flex gap-2"><Input aria-label={`Guide ${i + 1} title`} value={g.title} onChange={(e) => setDraft({ ...draft, guides: draft.guides.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)) })} /><Button type="button" variant="ghost" size="sm" onClick={() => setDraft({ ...draft, guides: draft.guides.filter((_, j) => j !== i) })}>Remove</Button></div>
                  <textarea aria-label={`Guide ${i + 1} markdown`} className="min-h-32 rounded-md border bg-card p-2 font-mono text-xs" value={g.markdown} onChange={(e) => setDraft({ ...draft, guides: draft.guides.map((x, j) => (j === i ? { ...x, markdown: e.target.value } : x)) })} />
                </div>
              ))}
              <Button type="button" variant="outline" size="sm" className="w-fit" onClick={() => setDraft({ ...draft, guides: [...draft.guides, { title: "Getting started", markdown: "# Getting started\n\n1. Create an app\n2. Subscribe it to this API\n3. Send your key in the `apikey` header\n" }] })}>Add guide</Button>
            </fieldset>
            {save.error && fe.length === 0 && <p role="alert" className="text-sm text-destructive">{errorMessage(save.error)}</p>}
            {save.isSuccess && <p role="status" className="text-sm text-success">Saved and published to the gateway.</p>}
            <div className="flex gap-2">
              <Button type="submit" disabled={save.isPending} data-testid="save-product">{save.isPending ? "Saving…" : "Save product"}</Button>
              {draft.id && <Button type="button" variant="ghost" className="text-destructive" onClick={() => del.mutate({ id: draft.id! })}>Delete product</Button>}
            </div>
          </form>
        </CardContent>
      </Card>
      {existing.data && (
        <Card>
          <CardHeader><CardTitle>Plans</CardTitle><CardDescription>Limits the gateway enforces per subscription, and the price statements use.</CardDescription></CardHeader>
          <CardContent className="grid gap-3">
            {existing.data.plans.map((p) => <PlanEditor key={p.id} productId={existing.data.id} plan={p} />)}
            <PlanEditor productId={existing.data.id} />
          </CardContent>
        </Card>
      )}
    </div>
  );
}
