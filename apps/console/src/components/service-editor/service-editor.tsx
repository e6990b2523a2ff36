"use client";

import { useMemo, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ServiceSchema, type FieldError, type Service } from "@switchyard/config";
import { ConfirmDialog } from "@/components/dialogs/confirm-dialog.tsx";
import { CheckIcon, ChevronLeftIcon, SpinnerIcon, TrashIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { SchemaFields } from "@/components/policies/schema-fields.tsx";
import { shapeOf } from "@/components/policies/schema-shape.ts";
import { QueryError } from "@/components/query-error.tsx";
import { FieldErrorsProvider, FieldErrorText, toErrorMap, useFieldAria } from "@/components/route-editor/field-errors.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { errorCode, errorMessage, serverFieldErrors } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";
import { ErrorBanner } from "./error-banner.tsx";
import { SaveResultCard } from "./save-result-card.tsx";
import { draftFromService, emptyServiceDraft, validateServiceDraft, type ServiceDraft } from "./service-draft.ts";
import { SubsetsCard, TargetsCard } from "./targets-card.tsx";

const SERVICE_SHAPE = shapeOf(ServiceSchema);
/** Fields with their own cards; everything else the schema has (traffic policy, health check, …) is generated. */
const OWN_CARDS = ["name", "description", "targets", "subsets"] as const;

function General({ draft, onChange }: { draft: ServiceDraft; onChange(d: ServiceDraft): void }) {
  const name = useFieldAria("name"), desc = useFieldAria("description");
  return (
    <Card>
      <CardHeader>
        <CardTitle>Service</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="service-name">Name</Label>
          <Input id="service-name" value={draft.name} onChange={(e) => onChange({ ...draft, name: e.target.value })} placeholder="billing" spellCheck={false} autoComplete="off" data-testid="service-name" {...name} />
          <FieldErrorText path="name" />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="service-description">Description <span className="font-normal text-muted-foreground">(optional)</span></Label>
          <Input id="service-description" value={(draft.description as string | undefined) ?? ""} onChange={(e) => { const { description: _d, ...rest } = draft; onChange(e.target.value ? { ...rest, description: e.target.value } as ServiceDraft : rest as ServiceDraft); }} data-testid="service-description" {...desc} />
          <FieldErrorText path="description" />
        </div>
      </CardContent>
    </Card>
  );
}

function ServiceForm({ initial, originalName: initialName }: { initial: ServiceDraft; originalName: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [draft, setDraft] = useState(initial);
  const [originalName, setOriginalName] = useState(initialName);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [banner, setBanner] = useState<string | null>(null);
  const [result, setResult] = useState<{ version: number; changed: boolean } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const errorMap = useMemo(() => toErrorMap(errors), [errors]);

  const invalidate = () => Promise.all([queryClient.invalidateQueries(trpc.services.pathFilter()), queryClient.invalidateQueries(trpc.config.pathFilter())]);
  const upsert = useMutation(trpc.services.upsert.mutationOptions({
    onSuccess: async (res, vars) => {
      setResult(res);
      const name = (vars.service as Service).name;
      if (name !== originalName) {
        setOriginalName(name);
        window.history.replaceState(null, "", `/services/${encodeURIComponent(name)}`);
      }
      await invalidate();
    },
    onError: (error) => {
      const fe = serverFieldErrors(error);
      setErrors(fe);
      setBanner(fe.length > 0 ? null : errorCode(error) === "FORBIDDEN" ? "Your role can't change services." : errorMessage(error));
    },
  }));
  const remove = useMutation(trpc.services.delete.mutationOptions({
    onSuccess: async () => {
      await invalidate();
      router.push("/services");
    },
  }));

  const save = () => {
    setResult(null);
    setBanner(null);
    const check = validateServiceDraft(draft);
    if (!check.ok) return setErrors(check.errors);
    setErrors([]);
    upsert.mutate({ service: check.service, ...(originalName ? { originalName } : { create: true }) });
  };

  const rest = draft as Record<string, unknown>;
  return (
    <FieldErrorsProvider errors={errorMap}>
      <form noValidate aria-label={originalName ? `Edit service ${originalName}` : "New service"} onSubmit={(e) => { e.preventDefault(); save(); }}>
        <Link href="/services" className="mb-3 inline-flex items-center gap-1 rounded-sm text-sm text-muted-foreground hover:text-foreground">
          <ChevronLeftIcon /> Services
        </Link>
        <PageHeader
          title={originalName ?? "New service"}
          description="Targets, subsets and how traffic to them behaves."
          actions={
            <>
              {originalName && (
                <Button variant="ghost" onClick={() => { remove.reset(); setConfirming(true); }} data-testid="service-delete">
                  <TrashIcon /> Delete
                </Button>
              )}
              <Button type="submit" disabled={upsert.isPending} data-testid="service-save">
                {upsert.isPending ? <SpinnerIcon /> : <CheckIcon />} Save and publish
              </Button>
            </>
          }
        />
        <div className="flex flex-col gap-5">
          {result && <SaveResultCard version={result.version} changed={result.changed} />}
          <ErrorBanner message={banner} errors={errors} placed={(p) => /^(name|description|targets|subsets|trafficPolicy|healthCheck)(\.|$)/.test(p)} />
          <General draft={draft} onChange={setDraft} />
          <TargetsCard draft={draft} onChange={setDraft} />
          <SubsetsCard draft={draft} onChange={setDraft} />
          <Card>
            <CardHeader>
              <CardTitle>Traffic policy and health</CardTitle>
              <CardDescription>Load balancing, timeouts, connection limits, outlier detection, retries and active health checks. Subsets inherit these.</CardDescription>
            </CardHeader>
            <CardContent>
              <SchemaFields shape={SERVICE_SHAPE} value={rest} path="" omit={OWN_CARDS} onChange={(v) => setDraft({ ...(v as ServiceDraft), name: draft.name, targets: draft.targets, subsets: draft.subsets })} />
            </CardContent>
          </Card>
        </div>
        <ConfirmDialog
          open={confirming}
          title={`Delete service "${originalName}"?`}
          confirmLabel="Delete"
          confirmVariant="destructive"
          pending={remove.isPending}
          error={remove.error ? errorMessage(remove.error) : null}
          onConfirm={() => originalName && remove.mutate({ name: originalName })}
          onCancel={() => setConfirming(false)}
        >
          This publishes a new config version without it.
        </ConfirmDialog>
      </form>
    </FieldErrorsProvider>
  );
}

/** Loads the service (or starts a blank one for /services/new) and renders its form. */
export function ServiceEditor({ name }: { name: string | null }) {
  const trpc = useTRPC();
  const service = useQuery(trpc.services.get.queryOptions({ name: name ?? "" }, { enabled: name !== null, staleTime: Infinity, refetchOnWindowFocus: false }));
  if (name === null) return <ServiceForm initial={emptyServiceDraft()} originalName={null} />;
  if (service.isPending) return <div className="flex items-center gap-2 py-10 text-muted-foreground"><SpinnerIcon /> Loading service…</div>;
  if (service.isError) {
    return errorCode(service.error) === "NOT_FOUND"
      ? <p className="text-lg font-medium">Service “{name}” doesn&apos;t exist.</p>
      : <QueryError error={service.error} onRetry={() => void service.refetch()} />;
  }
  return <ServiceForm key={name} initial={draftFromService(service.data as Service)} originalName={name} />;
}
