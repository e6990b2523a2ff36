"use client";

import { useDeferredValue, useState } from "react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { SearchIcon } from "@/components/icons.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Input } from "@/components/ui/input.tsx";
import { priceSummary } from "@/lib/portal-price.ts";
import { errorMessage } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

/** The public API catalog with search. */
export function Catalog() {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search.trim());
  const list = useQuery(trpc.portal.catalog.list.queryOptions({ search: deferred || undefined }));
  return (
    <div>
      <section className="mb-8 rounded-2xl border bg-gradient-to-br from-primary/10 via-card to-card px-6 py-10 sm:px-10">
        <h1 className="text-3xl font-semibold tracking-tight">Build with our APIs</h1>
        <p className="mt-2 max-w-2xl text-muted-foreground">Browse the catalog, read the reference, and get an API key in a minute.</p>
        <div className="relative mt-6 max-w-md">
          <SearchIcon className="pointer-events-none absolute left-3 top-1/2 -translate-y-1/2 text-muted-foreground" />
          <Input className="h-10 pl-9" placeholder="Search APIs" aria-label="Search APIs" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="catalog-search" />
        </div>
      </section>
      {list.isError && <p role="alert" className="text-destructive">{errorMessage(list.error)}</p>}
      {list.data && list.data.length === 0 && <p className="text-muted-foreground">{deferred ? `No API matches “${deferred}”.` : "No APIs are published yet."}</p>}
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="APIs">
        {list.data?.map((p) => (
          <li key={p.slug}>
            <Link href={`/portal/products/${p.slug}`} className="flex h-full flex-col rounded-xl border bg-card p-5 shadow-sm transition hover:border-primary/50 hover:shadow" data-testid={`product-card-${p.slug}`}>
              <div className="flex items-start justify-between gap-2">
                <h2 className="font-semibold">{p.name}</h2>
                {p.requiresApproval && <Badge variant="secondary">Approval</Badge>}
              </div>
              <p className="mt-2 line-clamp-3 flex-1 text-sm text-muted-foreground">{p.description || "No description."}</p>
              <div className="mt-4 flex flex-wrap gap-1.5">
                {p.plans.map((plan) => <Badge key={plan.id} variant="outline">{plan.name}: {priceSummary(plan.price, plan.currency)}</Badge>)}
                {p.hasReference && <Badge>API reference</Badge>}
              </div>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
