"use client";

import { useMemo, useState, type ReactNode } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { GlobalHttpsRedirectSchema, SettingsSchema, toFieldErrors, TracingSchema, type FieldError, type Settings } from "@switchyard/config";
import { CheckIcon, SpinnerIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { objectDefaults, SchemaFields } from "@/components/policies/schema-fields.tsx";
import { shapeOf } from "@/components/policies/schema-shape.ts";
import { Switch } from "@/components/policies/switch.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { FieldErrorsProvider, FieldErrorText, toErrorMap } from "@/components/route-editor/field-errors.tsx";
import { ErrorBanner } from "@/components/service-editor/error-banner.tsx";
import { SaveResultCard } from "@/components/service-editor/save-result-card.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { errorCode, errorMessage, serverFieldErrors } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

type Draft = Record<string, unknown>;

const SETTINGS_SHAPE = shapeOf(SettingsSchema);
const REDIRECT_SHAPE = shapeOf(GlobalHttpsRedirectSchema);
const TRACING_SHAPE = shapeOf(TracingSchema);
const objectShape = (s: typeof SETTINGS_SHAPE) => s as Extract<typeof s, { kind: "object" }>;

function Section({ title, description, children, testId }: { title: string; description: ReactNode; children: ReactNode; testId: string }) {
  return (
    <Card data-testid={testId}>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">{children}</CardContent>
    </Card>
  );
}

/** An optional part of the settings: off leaves it out of the config, on starts it from the schema's defaults. */
function OptionalPart({ draft, setDraft, field, shape, label, testId }: { draft: Draft; setDraft(d: Draft): void; field: string; shape: typeof SETTINGS_SHAPE; label: string; testId: string }) {
  const value = draft[field] as Draft | undefined;
  const set = (v: Draft | undefined) => {
    const next = { ...draft };
    if (v === undefined) delete next[field];
    else next[field] = v;
    setDraft(next);
  };
  return (
    <>
      <Switch id={`settings-${field}-on`} checked={value !== undefined} onChange={(on) => set(on ? objectDefaults(objectShape(shape)) : undefined)} label={label} testId={testId} />
      {value !== undefined && <SchemaFields shape={shape} value={value} path={field} onChange={set} />}
      <FieldErrorText path={field} />
    </>
  );
}

function SettingsForm({ initial }: { initial: Settings }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const [draft, setDraft] = useState<Draft>(() => structuredClone(initial) as Draft);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [banner, setBanner] = useState<string | null>(null);
  const [result, setResult] = useState<{ version: number; changed: boolean } | null>(null);
  const map = useMemo(() => toErrorMap(errors), [errors]);
  const update = useMutation(trpc.settings.update.mutationOptions({
    onSuccess: async (r) => {
      setResult(r);
      await Promise.all([queryClient.invalidateQueries(trpc.settings.pathFilter()), queryClient.invalidateQueries(trpc.config.pathFilter())]);
    },
    onError: (e) => {
      const fe = serverFieldErrors(e);
      setErrors(fe);
      setBanner(fe.length > 0 ? null : errorCode(e) === "FORBIDDEN" ? "Your role can't change settings." : errorMessage(e));
    },
  }));

  const save = () => {
    setResult(null);
    setBanner(null);
    const parsed = SettingsSchema.safeParse(draft);
    if (!parsed.success) return setErrors(toFieldErrors(parsed.error));
    setErrors([]);
    update.mutate({ settings: parsed.data });
  };

  return (
    <FieldErrorsProvider errors={map}>
      <form noValidate onSubmit={(e) => { e.preventDefault(); save(); }} aria-label="Gateway settings" data-testid="settings-form">
        <PageHeader
          title="Settings"
          description="Gateway-wide: which proxies to believe, HTTP to HTTPS redirects, and tracing."
          actions={me.data?.role !== "viewer" && (
            <Button type="submit" disabled={update.isPending} data-testid="settings-save">{update.isPending ? <SpinnerIcon /> : <CheckIcon />} Save and publish</Button>
          )}
        />
        <div className="flex flex-col gap-5">
          {result && <SaveResultCard version={result.version} changed={result.changed} what="settings" />}
          <ErrorBanner message={banner} errors={errors} placed={(p) => /^(trustedProxies|httpsRedirect|tracing)(\.|$)/.test(p)} />
          <Section title="Trusted proxies" testId="settings-proxies" description="Load balancers or CDNs in front of the gateway, as addresses or CIDRs. X-Forwarded-For, X-Forwarded-Proto and Forwarded are believed only from these; otherwise the peer is the client.">
            <SchemaFields shape={SETTINGS_SHAPE} value={draft} path="" omit={["httpsRedirect", "tracing"]} onChange={(v) => setDraft({ ...draft, trustedProxies: v.trustedProxies ?? [] })} />
          </Section>
          <Section title="HTTPS redirect" testId="settings-redirect" description="Plain-HTTP requests for these hosts (every host when none are listed) are redirected to HTTPS. Routes can also require HTTPS on their own.">
            <OptionalPart draft={draft} setDraft={setDraft} field="httpsRedirect" shape={REDIRECT_SHAPE} label="Redirect plain HTTP to HTTPS" testId="settings-https-redirect-on" />
          </Section>
          <Section title="Tracing" testId="settings-tracing" description="W3C trace context is always propagated. Here: the share of new traces sampled, and where spans are exported (OTLP/HTTP).">
            <OptionalPart draft={draft} setDraft={setDraft} field="tracing" shape={TRACING_SHAPE} label="Configure tracing" testId="settings-tracing-on" />
          </Section>
        </div>
      </form>
    </FieldErrorsProvider>
  );
}

export function SettingsPage() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions(undefined, { staleTime: Infinity, refetchOnWindowFocus: false }));
  if (settings.isPending) return <div className="flex items-center gap-2 py-10 text-muted-foreground" aria-live="polite"><SpinnerIcon /> Loading settings…</div>;
  if (settings.isError) return <QueryError error={settings.error} onRetry={() => void settings.refetch()} />;
  return <SettingsForm initial={settings.data as Settings} />;
}
