"use client";

import { useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ConsumerSchema, toFieldErrors, type FieldError } from "@switchyard/config";
import { EmptyState } from "@/components/empty-state.tsx";
import { ListSearch, ListStates } from "@/components/list-card-parts.tsx";
import { PlusIcon, UsersIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { FieldErrorsProvider, FieldErrorText, toErrorMap, useFieldAria } from "@/components/route-editor/field-errors.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table.tsx";
import { cn } from "@/lib/cn.ts";
import { errorMessage, serverFieldErrors } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";
import { ConsumerDetail, ProfileFields } from "./consumer-detail.tsx";

const ProfileSchema = ConsumerSchema.pick({ username: true, custom_id: true, groups: true });

function UsernameField({ value, onChange }: { value: string; onChange(v: string): void }) {
  const aria = useFieldAria("username");
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor="consumer-username">Username</Label>
      <Input id="consumer-username" value={value} onChange={(e) => onChange(e.target.value)} placeholder="acme-mobile" autoComplete="off" spellCheck={false} data-testid="consumer-username" {...aria} />
      <FieldErrorText path="username" />
    </div>
  );
}

function NewConsumer({ onCreated }: { onCreated(username: string, r: { version: number; changed: boolean }): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [customId, setCustomId] = useState("");
  const [groups, setGroups] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const map = useMemo(() => toErrorMap(errors), [errors]);
  const create = useMutation(trpc.consumers.upsert.mutationOptions({
    onSuccess: async (r) => { await queryClient.invalidateQueries(trpc.consumers.pathFilter()); onCreated(username, r); },
    onError: (e) => setErrors(serverFieldErrors(e).length > 0 ? serverFieldErrors(e) : [{ path: "username", message: errorMessage(e) }]),
  }));
  const submit = () => {
    const consumer = { username, groups, ...(customId ? { custom_id: customId } : {}) };
    const parsed = ProfileSchema.safeParse(consumer);
    if (!parsed.success) return setErrors(toFieldErrors(parsed.error));
    setErrors([]);
    create.mutate({ consumer, create: true });
  };
  return (
    <Card data-testid="consumer-new-form">
      <CardHeader><CardTitle>New consumer</CardTitle></CardHeader>
      <CardContent>
        <form noValidate onSubmit={(e) => { e.preventDefault(); submit(); }} className="flex flex-col gap-3">
          <FieldErrorsProvider errors={map}>
            <UsernameField value={username} onChange={setUsername} />
            <ProfileFields customId={customId} setCustomId={setCustomId} groups={groups} setGroups={setGroups} />
          </FieldErrorsProvider>
          <Button type="submit" className="self-start" disabled={create.isPending} data-testid="consumer-create">Create consumer</Button>
        </form>
      </CardContent>
    </Card>
  );
}

/** Consumers with search, a new-consumer form and the selected consumer's credentials. */
export function ConsumersPage() {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ version: number; changed: boolean } | null>(null);
  const list = useQuery(trpc.consumers.list.queryOptions(search ? { search } : undefined, { placeholderData: (prev) => prev }));
  const current = list.data?.find((c) => c.username === selected) ?? null;

  return (
    <>
      <PageHeader
        title="Consumers"
        description="Who calls your APIs: their groups and credentials (API keys, basic auth, JWT issuers)."
        actions={<Button onClick={() => { setCreating(true); setSelected(null); setCreated(null); }} data-testid="consumer-new"><PlusIcon /> New consumer</Button>}
      />
      <div className="grid items-start gap-5 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card>
          <CardContent className="flex flex-col gap-3 px-0 pt-4 sm:px-0 sm:pt-5">
            <div className="mx-4 sm:mx-6">
              <ListSearch value={search} onChange={setSearch} placeholder="Search by name, id or group" label="Search consumers" testId="consumer-search" />
            </div>
            <ListStates query={list} empty={
                <EmptyState icon={<UsersIcon />} title={search ? "No consumer matches" : "No consumers yet"}>
                  {search ? "Try another search." : "Create one to hand out API keys or other credentials."}
                </EmptyState>
            }>
              {(rows) => (
                <Table aria-label="Consumers">
                  <TableHeader>
                    <TableRow className="hover:bg-transparent">
                      <TableHead>Username</TableHead>
                      <TableHead>Groups</TableHead>
                      <TableHead>Credentials</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {rows.map((c) => (
                      <TableRow key={c.username} className={cn("cursor-pointer", selected === c.username && "bg-accent")} onClick={() => { setSelected(c.username); setCreating(false); setCreated(null); }} data-testid={`consumer-row-${c.username}`}>
                        <TableCell className="font-medium">
                          <button type="button" className="text-left hover:underline" onClick={() => setSelected(c.username)}>{c.username}</button>
                          {c.custom_id && <div className="text-xs text-muted-foreground">{c.custom_id}</div>}
                        </TableCell>
                        <TableCell><div className="flex flex-wrap gap-1">{c.groups.map((g) => <Badge key={g} variant="secondary">{g}</Badge>)}</div></TableCell>
                        <TableCell className="text-xs text-muted-foreground tabular-nums">
                          {c.keys.length} key{c.keys.length === 1 ? "" : "s"} · {c.basicAuth.length} basic · {c.jwt.length} jwt
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </ListStates>
          </CardContent>
        </Card>
        <div className="flex flex-col gap-5">
          {creating ? <NewConsumer onCreated={(u, r) => { setCreating(false); setSelected(u); setCreated(r); }} />
            : current ? <ConsumerDetail key={current.username} consumer={current} initialResult={created} onDeleted={() => setSelected(null)} />
            : <Card><EmptyState title="Select a consumer">Pick one from the list, or create a new one.</EmptyState></Card>}
        </div>
      </div>
    </>
  );
}
