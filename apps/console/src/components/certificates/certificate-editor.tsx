"use client";

import { useMemo, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CertificateSchema, toFieldErrors, type FieldError } from "@switchyard/config";
import { ConfirmDialog } from "@/components/dialogs/confirm-dialog.tsx";
import { CheckIcon, SpinnerIcon, TrashIcon } from "@/components/icons.tsx";
import { TagInput } from "@/components/policies/tag-input.tsx";
import { FieldErrorsProvider, FieldErrorText, toErrorMap, useFieldAria } from "@/components/route-editor/field-errors.tsx";
import { ErrorBanner } from "@/components/service-editor/error-banner.tsx";
import { SaveResultCard } from "@/components/service-editor/save-result-card.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { errorCode, errorMessage, serverFieldErrors } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";
import { PemField } from "./pem-field.tsx";

export interface CertificateDraft {
  name: string;
  hosts: string[];
  cert: string;
  /** Empty when editing: the stored key is kept (keys are never sent to the browser). */
  key: string;
}

export const newCertificateDraft = (): CertificateDraft => ({ name: "", hosts: [], cert: "", key: "" });

/** The same schema the control plane checks; editing may leave the key out to keep the stored one. */
const EditSchema = CertificateSchema.extend({ key: CertificateSchema.shape.key.optional() });

function toInput(d: CertificateDraft): Record<string, unknown> {
  return { name: d.name.trim(), hosts: d.hosts, cert: d.cert.trim() + "\n", ...(d.key.trim() ? { key: d.key.trim() + "\n" } : {}) };
}

function Fields({ draft, setDraft, editing }: { draft: CertificateDraft; setDraft(d: CertificateDraft): void; editing: boolean }) {
  const nameAria = useFieldAria("name"), hostsAria = useFieldAria("hosts", true);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="certificate-name">Name</Label>
        <Input id="certificate-name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} placeholder="api-example-com" spellCheck={false} autoComplete="off" data-testid="certificate-name" {...nameAria} />
        <FieldErrorText path="name" />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="certificate-hosts">Hosts (SNI)</Label>
        <TagInput id="certificate-hosts" value={draft.hosts} onChange={(hosts) => setDraft({ ...draft, hosts })} placeholder="api.example.com, *.example.com" invalid={hostsAria["aria-invalid"]} describedBy={hostsAria["aria-describedby"]} testId="certificate-hosts" />
        <p className="text-xs text-muted-foreground">Names this certificate answers on the HTTPS listener. The first certificate also answers names no other one claims.</p>
        <FieldErrorText path="hosts" prefix />
      </div>
      <PemField id="certificate-cert" label="Certificate (PEM)" hint="The leaf certificate first, then any intermediates." value={draft.cert} onChange={(cert) => setDraft({ ...draft, cert })} placeholder="-----BEGIN CERTIFICATE-----" path="cert" testId="certificate-cert" />
      <PemField
        id="certificate-key"
        label="Private key (PEM)"
        hint={editing ? "Leave empty to keep the current key. Keys are write-only: nobody can read them back in the console." : "Unencrypted PKCS#8, RSA or EC key. It is write-only: nobody can read it back in the console."}
        value={draft.key}
        onChange={(key) => setDraft({ ...draft, key })}
        placeholder={editing ? "Unchanged" : "-----BEGIN PRIVATE KEY-----"}
        path="key"
        testId="certificate-key"
      />
    </div>
  );
}

/** Add or edit one certificate; the control plane checks that the key belongs to it. */
export function CertificateEditor({ initial, originalName, canEdit, onDone }: { initial: CertificateDraft; originalName: string | null; canEdit: boolean; onDone(name: string | null): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [banner, setBanner] = useState<string | null>(null);
  const [result, setResult] = useState<{ version: number; changed: boolean } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [savedName, setSavedName] = useState(originalName);
  const map = useMemo(() => toErrorMap(errors), [errors]);
  const invalidate = () => Promise.all([queryClient.invalidateQueries(trpc.certificates.pathFilter()), queryClient.invalidateQueries(trpc.config.pathFilter())]);
  const upsert = useMutation(trpc.certificates.upsert.mutationOptions({
    onSuccess: async (r) => { setResult(r); setSavedName(draft.name.trim()); setDraft((d) => ({ ...d, key: "" })); await invalidate(); },
    onError: (e) => {
      const fe = serverFieldErrors(e);
      setErrors(fe);
      setBanner(fe.length > 0 ? null : errorCode(e) === "FORBIDDEN" ? "Your role can't change certificates." : errorMessage(e));
    },
  }));
  const remove = useMutation(trpc.certificates.delete.mutationOptions({ onSuccess: async () => { setConfirming(false); await invalidate(); onDone(null); } }));

  const save = () => {
    setResult(null);
    setBanner(null);
    const input = toInput(draft);
    const parsed = (savedName ? EditSchema : CertificateSchema).safeParse(input);
    if (!parsed.success) return setErrors(toFieldErrors(parsed.error));
    setErrors([]);
    upsert.mutate({ certificate: input, ...(savedName ? { originalName: savedName } : {}) });
  };

  return (
    <FieldErrorsProvider errors={map}>
      <form noValidate onSubmit={(e) => { e.preventDefault(); save(); }} className="flex flex-col gap-5" aria-label={savedName ? `Edit certificate ${savedName}` : "New certificate"} data-testid="certificate-editor">
        {result && <SaveResultCard version={result.version} changed={result.changed} />}
        <ErrorBanner message={banner} errors={errors} placed={(p) => /^(name|hosts|cert|key)(\.|$)/.test(p)} />
        <Card>
          <CardHeader className="gap-3 sm:flex-row sm:items-start sm:justify-between">
            <div className="flex flex-col gap-1.5">
              <CardTitle>{savedName ?? "New certificate"}</CardTitle>
              <CardDescription>Served by the gateway&apos;s HTTPS listener to clients that ask for one of its hosts.</CardDescription>
            </div>
            {canEdit && (
              <div className="flex shrink-0 gap-2">
                {savedName && <Button variant="ghost" onClick={() => { remove.reset(); setConfirming(true); }} data-testid="certificate-delete"><TrashIcon /> Delete</Button>}
                <Button type="submit" disabled={upsert.isPending} data-testid="certificate-save">{upsert.isPending ? <SpinnerIcon /> : <CheckIcon />} Save and publish</Button>
              </div>
            )}
          </CardHeader>
          <CardContent>
            <Fields draft={draft} setDraft={setDraft} editing={savedName !== null} />
          </CardContent>
        </Card>
        <ConfirmDialog open={confirming} title={`Delete certificate "${savedName}"?`} confirmLabel="Delete" confirmVariant="destructive" pending={remove.isPending} error={remove.error ? errorMessage(remove.error) : null} onConfirm={() => savedName && remove.mutate({ name: savedName })} onCancel={() => setConfirming(false)}>
          This publishes a new config version without it; HTTPS clients asking for its hosts get another certificate, or none.
        </ConfirmDialog>
      </form>
    </FieldErrorsProvider>
  );
}
