"use client";

import { useMemo, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FieldError } from "@switchyard/config";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@switchyard/api";
import { ConfirmDialog } from "@/components/dialogs/confirm-dialog.tsx";
import { PlusIcon, TrashIcon } from "@/components/icons.tsx";
import { TagInput } from "@/components/policies/tag-input.tsx";
import { FieldErrorsProvider, FieldErrorText, toErrorMap, useFieldAria } from "@/components/route-editor/field-errors.tsx";
import { ErrorBanner } from "@/components/service-editor/error-banner.tsx";
import { SaveResultCard } from "@/components/service-editor/save-result-card.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { errorMessage, serverFieldErrors } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";
import { JwtForm } from "./jwt-form.tsx";
import { KeyDialog } from "./key-dialog.tsx";

export type ConsumerView = inferRouterOutputs<AppRouter>["consumers"]["list"][number];

function Profile({ consumer, onSaved }: { consumer: ConsumerView; onSaved(r: { version: number; changed: boolean }): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [customId, setCustomId] = useState(consumer.custom_id ?? "");
  const [groups, setGroups] = useState(consumer.groups);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const save = useMutation(trpc.consumers.upsert.mutationOptions({
    onSuccess: async (r) => { setErrors([]); onSaved(r); await queryClient.invalidateQueries(trpc.consumers.pathFilter()); },
    onError: (e) => setErrors(serverFieldErrors(e).length > 0 ? serverFieldErrors(e) : [{ path: "", message: errorMessage(e) }]),
  }));
  const map = useMemo(() => toErrorMap(errors), [errors]);
  return (
    <FieldErrorsProvider errors={map}>
      <ProfileFields customId={customId} setCustomId={setCustomId} groups={groups} setGroups={setGroups} />
      <FieldErrorText path="" />
      <Button variant="outline" className="mt-3" disabled={save.isPending} onClick={() => save.mutate({ consumer: { username: consumer.username, groups, ...(customId ? { custom_id: customId } : {}) } })} data-testid="consumer-save">
        Save profile
      </Button>
    </FieldErrorsProvider>
  );
}

export function ProfileFields({ customId, setCustomId, groups, setGroups }: { customId: string; setCustomId(v: string): void; groups: string[]; setGroups(v: string[]): void }) {
  const idAria = useFieldAria("custom_id"), groupsAria = useFieldAria("groups", true);
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="consumer-custom-id">Custom id <span className="font-normal text-muted-foreground">(optional)</span></Label>
        <Input id="consumer-custom-id" value={customId} onChange={(e) => setCustomId(e.target.value)} data-testid="consumer-custom-id" {...idAria} />
        <FieldErrorText path="custom_id" />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="consumer-groups">Groups</Label>
        <TagInput id="consumer-groups" value={groups} onChange={setGroups} placeholder="partners, internal" invalid={groupsAria["aria-invalid"]} describedBy={groupsAria["aria-describedby"]} testId="consumer-groups" />
        <FieldErrorText path="groups" prefix />
      </div>
    </div>
  );
}

/** A consumer's profile and credentials: keys (shown once), basic-auth users, JWT issuers. */
export function ConsumerDetail({ consumer, onDeleted, initialResult = null }: { consumer: ConsumerView; onDeleted(): void; initialResult?: { version: number; changed: boolean } | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [result, setResult] = useState<{ version: number; changed: boolean } | null>(initialResult);
  const [newKey, setNewKey] = useState<string | null>(null);
  const [banner, setBanner] = useState<string | null>(null);
  const [basicUser, setBasicUser] = useState("");
  const [basicPass, setBasicPass] = useState("");
  const [basicErrors, setBasicErrors] = useState<FieldError[]>([]);
  const [jwtErrors, setJwtErrors] = useState<FieldError[]>([]);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const done = async (r: { version: number; changed: boolean }) => {
    setResult(r);
    setBanner(null);
    await Promise.all([queryClient.invalidateQueries(trpc.consumers.pathFilter()), queryClient.invalidateQueries(trpc.config.pathFilter())]);
  };
  const fail = (e: unknown) => setBanner(errorMessage(e));
  const createKey = useMutation(trpc.consumers.createKey.mutationOptions({ onSuccess: async (r) => { setNewKey(r.key); await done(r); }, onError: fail }));
  const revokeKey = useMutation(trpc.consumers.revokeKey.mutationOptions({ onSuccess: done, onError: fail }));
  const addBasic = useMutation(trpc.consumers.addBasicAuth.mutationOptions({
    onSuccess: async (r) => { setBasicUser(""); setBasicPass(""); setBasicErrors([]); await done(r); },
    onError: (e) => setBasicErrors(serverFieldErrors(e).length > 0 ? serverFieldErrors(e) : [{ path: "basicUsername", message: errorMessage(e) }]),
  }));
  const addJwt = useMutation(trpc.consumers.addJwt.mutationOptions({ onSuccess: async (r) => { setJwtErrors([]); await done(r); }, onError: (e) => setJwtErrors(serverFieldErrors(e).length > 0 ? serverFieldErrors(e) : [{ path: "key", message: errorMessage(e) }]) }));
  const removeCred = useMutation(trpc.consumers.removeCredential.mutationOptions({ onSuccess: done, onError: fail }));
  const remove = useMutation(trpc.consumers.delete.mutationOptions({ onSuccess: async () => { setConfirmDelete(false); await queryClient.invalidateQueries(trpc.consumers.pathFilter()); onDeleted(); } }));
  const basicMap = useMemo(() => toErrorMap(basicErrors), [basicErrors]);
  const u = consumer.username;

  return (
    <div className="flex flex-col gap-5" data-testid={`consumer-detail-${u}`}>
      {result && <SaveResultCard version={result.version} changed={result.changed} />}
      <ErrorBanner message={banner} />
      <Card>
        <CardHeader className="flex-row items-start justify-between gap-2">
          <div className="flex flex-col gap-1.5">
            <CardTitle>{u}</CardTitle>
            <CardDescription>Profile and groups (groups are what acl policies allow or deny).</CardDescription>
          </div>
          <Button variant="ghost" onClick={() => { remove.reset(); setConfirmDelete(true); }} data-testid="consumer-delete"><TrashIcon /> Delete</Button>
        </CardHeader>
        <CardContent>
          <Profile key={u} consumer={consumer} onSaved={(r) => void done(r)} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader className="flex-row items-start justify-between gap-2">
          <div className="flex flex-col gap-1.5">
            <CardTitle>API keys</CardTitle>
            <CardDescription>For key-auth policies. A key is shown once when generated; only its hash is stored.</CardDescription>
          </div>
          <Button onClick={() => createKey.mutate({ username: u })} disabled={createKey.isPending} data-testid="key-generate"><PlusIcon /> Generate key</Button>
        </CardHeader>
        <CardContent>
          {consumer.keys.length === 0 ? <p className="text-sm text-muted-foreground">No keys.</p> : (
            <ul className="flex flex-col divide-y rounded-lg border">
              {consumer.keys.map((k) => (
                <li key={k.id ?? k.hashPrefix} className="flex items-center gap-3 px-3 py-2 text-sm" data-testid={`key-${k.id ?? k.hashPrefix}`}>
                  <span className="font-medium">{k.id ?? "imported key"}</span>
                  <span className="font-mono text-xs text-muted-foreground">sha256:{k.hashPrefix}…</span>
                  <Button variant="ghost" size="sm" className="ml-auto" onClick={() => revokeKey.mutate({ username: u, id: k.id ?? k.hashPrefix })} data-testid={`key-revoke-${k.id ?? k.hashPrefix}`}>Revoke</Button>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Basic auth</CardTitle>
          <CardDescription>Username and password for basic-auth policies; the password is hashed (scrypt) on the server.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          {consumer.basicAuth.map((b) => (
            <div key={b.id ?? b.username} className="flex items-center gap-3 rounded-lg border px-3 py-2 text-sm">
              <span className="font-mono">{b.username}</span>
              <Button variant="ghost" size="sm" className="ml-auto" onClick={() => removeCred.mutate({ username: u, kind: "basic_auth", id: b.id ?? b.username })}>Remove</Button>
            </div>
          ))}
          <FieldErrorsProvider errors={basicMap}>
            <BasicFields user={basicUser} pass={basicPass} setUser={setBasicUser} setPass={setBasicPass} />
          </FieldErrorsProvider>
          <Button variant="outline" className="self-start" disabled={addBasic.isPending} onClick={() => addBasic.mutate({ username: u, basicUsername: basicUser, password: basicPass })} data-testid="basic-add">Add basic-auth user</Button>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>JWT issuers</CardTitle>
          <CardDescription>Tokens whose key claim (iss) names one of these are verified with its secret, public key or JWKS, and only with the listed algorithms.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          {consumer.jwt.map((j) => (
            <div key={j.id ?? j.key} className="flex flex-wrap items-center gap-2 rounded-lg border px-3 py-2 text-sm">
              <span className="font-mono">{j.key}</span>
              {j.algorithms.map((a) => <Badge key={a} variant="secondary">{a}</Badge>)}
              <Badge variant="outline">{j.source === "jwks_url" ? j.jwks_url : j.source.replace("_", " ")}</Badge>
              <Button variant="ghost" size="sm" className="ml-auto" onClick={() => removeCred.mutate({ username: u, kind: "jwt", id: j.id ?? j.key })}>Remove</Button>
            </div>
          ))}
          <JwtForm pending={addJwt.isPending} serverErrors={jwtErrors} onSubmit={(credential) => addJwt.mutate({ username: u, credential })} />
        </CardContent>
      </Card>

      <KeyDialog apiKey={newKey} username={u} onClose={() => setNewKey(null)} />
      <ConfirmDialog open={confirmDelete} title={`Delete consumer "${u}"?`} confirmLabel="Delete" confirmVariant="destructive" pending={remove.isPending} error={remove.error ? errorMessage(remove.error) : null} onConfirm={() => remove.mutate({ username: u })} onCancel={() => setConfirmDelete(false)}>
        Its credentials stop working once the new version is live.
      </ConfirmDialog>
    </div>
  );
}

function BasicFields({ user, pass, setUser, setPass }: { user: string; pass: string; setUser(v: string): void; setPass(v: string): void }) {
  const userAria = useFieldAria("basicUsername"), passAria = useFieldAria("password");
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="basic-user">Username</Label>
        <Input id="basic-user" value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" data-testid="basic-user" {...userAria} />
        <FieldErrorText path="basicUsername" />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="basic-pass">Password</Label>
        <Input id="basic-pass" type="password" value={pass} onChange={(e) => setPass(e.target.value)} autoComplete="new-password" data-testid="basic-pass" {...passAria} />
        <FieldErrorText path="password" />
      </div>
    </div>
  );
}
