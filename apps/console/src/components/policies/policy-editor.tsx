"use client";

import { useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PolicySchema, toFieldErrors, type FieldError, type Policy, type PolicyType } from "@switchyard/config";
import { ConfirmDialog } from "@/components/dialogs/confirm-dialog.tsx";
import { CheckIcon, SpinnerIcon, TrashIcon } from "@/components/icons.tsx";
import { FieldErrorsProvider, FieldErrorText, toErrorMap, useFieldAria } from "@/components/route-editor/field-errors.tsx";
import { ErrorBanner } from "@/components/service-editor/error-banner.tsx";
import { SaveResultCard } from "@/components/service-editor/save-result-card.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { Select } from "@/components/ui/select.tsx";
import { errorMessage, serverFieldErrors } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";
import { CONFIG_SHAPES, POLICY_TYPE_HINT, POLICY_TYPES } from "./policy-forms.ts";
import { objectDefaults, SchemaFields } from "./schema-fields.tsx";
import { Switch } from "./switch.tsx";

type ScopeKind = Policy["scope"]["kind"];
interface Draft {
  name: string;
  type: PolicyType;
  enabled: boolean;
  scopeKind: ScopeKind;
  scopeName: string;
  config: Record<string, unknown>;
}

const defaultsFor = (type: PolicyType): Record<string, unknown> => {
  const shape = CONFIG_SHAPES[type];
  return shape.kind === "object" ? objectDefaults(shape) : {};
};

export const newPolicyDraft = (type: PolicyType = "key-auth", scope?: { kind: ScopeKind; name: string }): Draft =>
  ({ name: "", type, enabled: true, scopeKind: scope?.kind ?? "global", scopeName: scope?.name ?? "", config: defaultsFor(type) });

export const draftFromPolicy = (p: Policy): Draft =>
  ({ name: p.name, type: p.type, enabled: p.enabled, scopeKind: p.scope.kind, scopeName: p.scope.kind === "global" ? "" : p.scope.name, config: structuredClone(p.config) as Record<string, unknown> });

const toPolicy = (d: Draft): unknown => ({ name: d.name, type: d.type, enabled: d.enabled, scope: d.scopeKind === "global" ? { kind: "global" } : { kind: d.scopeKind, name: d.scopeName }, config: d.config });

function Header({ draft, setDraft, isNew }: { draft: Draft; setDraft(d: Draft): void; isNew: boolean }) {
  const trpc = useTRPC();
  const services = useQuery(trpc.services.list.queryOptions());
  const routes = useQuery(trpc.routes.list.queryOptions());
  const consumers = useQuery(trpc.consumers.list.queryOptions());
  const names = draft.scopeKind === "service" ? services.data?.map((s) => s.name) : draft.scopeKind === "route" ? routes.data?.map((r) => r.name) : draft.scopeKind === "consumer" ? consumers.data?.map((c) => c.username) : [];
  const nameAria = useFieldAria("name"), scopeAria = useFieldAria("scope", true);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="policy-name">Name</Label>
        <Input id="policy-name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} placeholder="users-key-auth" spellCheck={false} autoComplete="off" data-testid="policy-name" {...nameAria} />
        <FieldErrorText path="name" />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="policy-type">Type</Label>
        <Select id="policy-type" value={draft.type} disabled={!isNew} onChange={(e) => setDraft({ ...draft, type: e.target.value as PolicyType, config: defaultsFor(e.target.value as PolicyType) })} data-testid="policy-type">
          {POLICY_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
        </Select>
        <p className="text-xs text-muted-foreground">{POLICY_TYPE_HINT[draft.type]}</p>
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="policy-scope">Attached to</Label>
        <Select id="policy-scope" value={draft.scopeKind} onChange={(e) => setDraft({ ...draft, scopeKind: e.target.value as ScopeKind, scopeName: "" })} data-testid="policy-scope" {...scopeAria}>
          <option value="global">Everything (global)</option>
          <option value="service">A service</option>
          <option value="route">A route</option>
          <option value="consumer">A consumer</option>
        </Select>
        <FieldErrorText path="scope" prefix />
      </div>
      {draft.scopeKind !== "global" && (
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="policy-scope-name">{draft.scopeKind === "consumer" ? "Consumer" : draft.scopeKind === "service" ? "Service" : "Route"}</Label>
          <Select id="policy-scope-name" value={draft.scopeName} onChange={(e) => setDraft({ ...draft, scopeName: e.target.value })} data-testid="policy-scope-name">
            <option value="">Choose…</option>
            {(names ?? []).map((n) => <option key={n} value={n}>{n}</option>)}
          </Select>
        </div>
      )}
      <div className="sm:col-span-2">
        <Switch id="policy-enabled" checked={draft.enabled} onChange={(v) => setDraft({ ...draft, enabled: v })} label={draft.enabled ? "Enabled" : "Disabled"} testId="policy-enabled" />
      </div>
    </div>
  );
}

/** Create or edit one policy; the config form is generated from the type's zod schema. */
export function PolicyEditor({ initial, originalName, onDone }: { initial: Draft; originalName: string | null; onDone(name: string | null): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [banner, setBanner] = useState<string | null>(null);
  const [result, setResult] = useState<{ version: number; changed: boolean } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [savedName, setSavedName] = useState(originalName);
  const map = useMemo(() => toErrorMap(errors), [errors]);
  const invalidate = () => Promise.all([queryClient.invalidateQueries(trpc.policies.pathFilter()), queryClient.invalidateQueries(trpc.config.pathFilter())]);
  const upsert = useMutation(trpc.policies.upsert.mutationOptions({
    onSuccess: async (r) => { setResult(r); setSavedName(draft.name); await invalidate(); },
    onError: (e) => { const fe = serverFieldErrors(e); setErrors(fe); setBanner(fe.length > 0 ? null : errorMessage(e)); },
  }));
  const remove = useMutation(trpc.policies.delete.mutationOptions({ onSuccess: async () => { setConfirming(false); await invalidate(); onDone(null); } }));

  const save = () => {
    setResult(null);
    setBanner(null);
    const policy = toPolicy(draft);
    const parsed = PolicySchema.safeParse(policy);
    if (!parsed.success) return setErrors(toFieldErrors(parsed.error));
    setErrors([]);
    upsert.mutate({ policy: parsed.data, ...(savedName ? { originalName: savedName } : {}) });
  };

  return (
    <FieldErrorsProvider errors={map}>
      <form noValidate onSubmit={(e) => { e.preventDefault(); save(); }} className="flex flex-col gap-5" aria-label={savedName ? `Edit policy ${savedName}` : "New policy"} data-testid="policy-editor">
        {result && <SaveResultCard version={result.version} changed={result.changed} />}
        <ErrorBanner message={banner} errors={errors} placed={(p) => /^(name|scope|config)(\.|$)/.test(p)} />
        <Card>
          <CardHeader className="gap-3 sm:flex-row sm:items-start sm:justify-between">
            <div className="flex flex-col gap-1.5">
              <CardTitle>{savedName ? savedName : "New policy"}</CardTitle>
              <CardDescription>Of each type, the most specific attachment wins: consumer, then route, then service, then global.</CardDescription>
            </div>
            <div className="flex shrink-0 gap-2">
              {savedName && <Button variant="ghost" onClick={() => { remove.reset(); setConfirming(true); }} data-testid="policy-delete"><TrashIcon /> Delete</Button>}
              <Button type="submit" disabled={upsert.isPending} data-testid="policy-save">{upsert.isPending ? <SpinnerIcon /> : <CheckIcon />} Save and publish</Button>
            </div>
          </CardHeader>
          <CardContent className="flex flex-col gap-5">
            <Header draft={draft} setDraft={setDraft} isNew={savedName === null} />
            <div className="border-t pt-4">
              <h3 className="mb-3 text-sm font-semibold">{draft.type} settings</h3>
              <SchemaFields key={draft.type} shape={CONFIG_SHAPES[draft.type]} value={draft.config} path="config" onChange={(config) => setDraft({ ...draft, config })} />
              <FieldErrorText path="config" />
            </div>
          </CardContent>
        </Card>
        <ConfirmDialog open={confirming} title={`Delete policy "${savedName}"?`} confirmLabel="Delete" confirmVariant="destructive" pending={remove.isPending} error={remove.error ? errorMessage(remove.error) : null} onConfirm={() => savedName && remove.mutate({ name: savedName })} onCancel={() => setConfirming(false)}>
          This publishes a new config version without it.
        </ConfirmDialog>
      </form>
    </FieldErrorsProvider>
  );
}
