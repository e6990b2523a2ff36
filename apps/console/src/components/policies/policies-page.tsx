"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Policy, PolicyType } from "@switchyard/config";
import { EmptyState } from "@/components/empty-state.tsx";
import { ListSearch, ListStates } from "@/components/list-card-parts.tsx";
import { PlusIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent } from "@/components/ui/card.tsx";
import { Select } from "@/components/ui/select.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table.tsx";
import { cn } from "@/lib/cn.ts";
import { useTRPC } from "@/trpc/react.tsx";
import { draftFromPolicy, newPolicyDraft, PolicyEditor } from "./policy-editor.tsx";
import { POLICY_TYPES } from "./policy-forms.ts";

type ScopeKind = Policy["scope"]["kind"];

export function scopeLabel(scope: Policy["scope"]): string {
  return scope.kind === "global" ? "global" : `${scope.kind} ${scope.name}`;
}

/** Policies with filters by type and scope; the selected one (or a new one) in the editor. */
export function PoliciesPage() {
  const trpc = useTRPC();
  const [type, setType] = useState<PolicyType | "">("");
  const [scope, setScope] = useState<ScopeKind | "">("");
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<{ name: string | null; nonce: number } | null>(null);
  const input = { ...(type ? { type } : {}), ...(scope ? { scope } : {}), ...(search ? { search } : {}) };
  const list = useQuery(trpc.policies.list.queryOptions(input, { placeholderData: (prev) => prev }));
  const selected = editing?.name ? (list.data as Policy[] | undefined)?.find((p) => p.name === editing.name) : undefined;

  return (
    <>
      <PageHeader
        title="Policies"
        description="Authentication, rate limits, CORS and the other edge policies, attached globally or to a service, route or consumer."
        actions={<Button onClick={() => setEditing({ name: null, nonce: Date.now() })} data-testid="policy-new"><PlusIcon /> New policy</Button>}
      />
      <div className="grid items-start gap-5 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card>
          <CardContent className="flex flex-col gap-3 px-0 pt-4 sm:px-0 sm:pt-5">
            <div className="grid gap-2 px-4 sm:grid-cols-3 sm:px-6">
              <ListSearch value={search} onChange={setSearch} placeholder="Search" label="Search policies" />
              <Select value={type} onChange={(e) => setType(e.target.value as PolicyType | "")} aria-label="Filter by type" data-testid="policy-filter-type">
                <option value="">All types</option>
                {POLICY_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
              </Select>
              <Select value={scope} onChange={(e) => setScope(e.target.value as ScopeKind | "")} aria-label="Filter by scope" data-testid="policy-filter-scope">
                <option value="">All scopes</option>
                <option value="global">Global</option>
                <option value="service">Service</option>
                <option value="route">Route</option>
                <option value="consumer">Consumer</option>
              </Select>
            </div>
            <ListStates query={list} empty={
                <EmptyState title={type || scope || search ? "No policy matches" : "No policies yet"}>Policies add authentication, rate limits and more to routes.</EmptyState>
            }>
              {(rows) => (
                <Table aria-label="Policies">
                  <TableHeader>
                    <TableRow className="hover:bg-transparent">
                      <TableHead>Name</TableHead>
                      <TableHead>Type</TableHead>
                      <TableHead>Scope</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {(rows as Policy[]).map((p) => (
                      <TableRow key={p.name} className={cn("cursor-pointer", editing?.name === p.name && "bg-accent")} onClick={() => setEditing({ name: p.name, nonce: Date.now() })} data-testid={`policy-row-${p.name}`}>
                        <TableCell className="font-medium">
                          <button type="button" className="text-left hover:underline">{p.name}</button>
                          {!p.enabled && <Badge variant="secondary" className="ml-2">disabled</Badge>}
                        </TableCell>
                        <TableCell><Badge variant="outline" className="font-mono">{p.type}</Badge></TableCell>
                        <TableCell className="text-sm text-muted-foreground">{scopeLabel(p.scope)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </ListStates>
          </CardContent>
        </Card>
        <div>
          {editing === null ? (
            <Card><EmptyState title="Select a policy">Pick one from the list, or create a new one.</EmptyState></Card>
          ) : editing.name === null ? (
            <PolicyEditor key={editing.nonce} initial={newPolicyDraft()} originalName={null} onDone={() => setEditing(null)} />
          ) : selected ? (
            <PolicyEditor key={`${editing.name}-${editing.nonce}`} initial={draftFromPolicy(selected)} originalName={selected.name} onDone={() => setEditing(null)} />
          ) : null}
        </div>
      </div>
    </>
  );
}
