"use client";

import { useEffect, useMemo, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { parseSelector, type FieldError, type Route } from "@switchyard/config";
import { AlertIcon, CheckIcon, ChevronLeftIcon, PlusIcon, SpinnerIcon, TrashIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { RoutePoliciesCard } from "@/components/policies/route-policies-card.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Checkbox } from "@/components/ui/checkbox.tsx";
import { Input } from "@/components/ui/input.tsx";
import { draftFromRoute, emptyDraft, placedPaths, validateDraft, type RouteDraft, type RuleDraft } from "@/lib/route-draft.ts";
import { errorCode, errorMessage, serverFieldErrors } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";
import { FieldErrorsProvider, toErrorMap } from "./field-errors.tsx";
import { GeneralFields } from "./general-fields.tsx";
import { RolloutStatus } from "./rollout-status.tsx";
import { RuleEditor } from "./rule-editor.tsx";

interface SaveResult {
  version: number;
  changed: boolean;
  /** Set when the version went to canary data planes only. */
  selector: string | null;
}

/** "Publish to canary data planes first": a staged rollout limited to a label selector. */
function CanaryOption({ enabled, selector, error, onEnabled, onSelector }: { enabled: boolean; selector: string; error: string | null; onEnabled(v: boolean): void; onSelector(v: string): void }) {
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border bg-card px-4 py-3 text-sm" data-testid="canary-option">
      <label className="flex items-center gap-2 font-medium">
        <Checkbox checked={enabled} onChange={(e) => onEnabled(e.target.checked)} data-testid="canary-enabled" />
        Publish to canary data planes first
      </label>
      {enabled && (
        <>
          <div className="w-56">
          <Input
            className="h-8 font-mono text-xs"
            value={selector}
            onChange={(e) => onSelector(e.target.value)}
            aria-label="Canary label selector"
            aria-invalid={error ? true : undefined}
            placeholder="canary=true"
            data-testid="canary-selector"
          />
          </div>
          <span className="text-xs text-muted-foreground">Only data planes with these labels get it; promote it from History.</span>
          {error && <span className="w-full text-xs text-destructive">{error}</span>}
        </>
      )}
    </div>
  );
}

/** Errors the form has no field for, listed above the form so none is ever hidden. */
function ErrorSummary({ errors, placed, message }: { errors: FieldError[]; placed: Set<string>; message: string | null }) {
  const unplaced = errors.filter((e) => !placed.has(e.path));
  if (errors.length === 0 && !message) return null;
  return (
    <div role="alert" className="flex gap-3 rounded-lg border border-destructive/30 bg-destructive/10 px-4 py-3 text-sm text-destructive" data-testid="save-error">
      <AlertIcon className="mt-0.5 shrink-0" />
      <div className="flex flex-col gap-1">
        <p className="font-medium">{message ?? `The route has ${errors.length} problem${errors.length === 1 ? "" : "s"}; see the highlighted fields.`}</p>
        {unplaced.map((e) => (
          <p key={e.path} data-testid={`field-error-${e.path}`}>
            {e.path ? <code className="font-mono text-xs">{e.path}</code> : null} {e.message}
          </p>
        ))}
      </div>
    </div>
  );
}

function EditorForm({ initial, originalName: initialOriginal }: { initial: RouteDraft; originalName: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const services = useQuery(trpc.services.list.queryOptions());
  const [draft, setDraft] = useState(initial);
  const [saved, setSaved] = useState(initial);
  const [originalName, setOriginalName] = useState(initialOriginal);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [errorBanner, setErrorBanner] = useState<string | null>(null);
  const [result, setResult] = useState<SaveResult | null>(null);
  const [canary, setCanary] = useState(false);
  const [selectorText, setSelectorText] = useState("canary=true");
  const [selectorError, setSelectorError] = useState<string | null>(null);

  // A new route defaults to the first service once the list has loaded.
  useEffect(() => {
    const first = services.data?.[0]?.name;
    if (!first || originalName) return;
    setDraft((d) =>
      d.rules.some((r) => r.destinations.some((x) => !x.service))
        ? { ...d, rules: d.rules.map((r) => ({ ...r, destinations: r.destinations.map((x) => (x.service ? x : { ...x, service: first })) })) }
        : d,
    );
  }, [services.data, originalName]);

  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(saved), [draft, saved]);
  const errorMap = useMemo(() => toErrorMap(errors), [errors]);
  const placed = useMemo(() => placedPaths(draft), [draft]);

  const upsert = useMutation(
    trpc.routes.upsert.mutationOptions({
      onSuccess: async (res, vars) => {
        setResult({ version: res.version, changed: res.changed, selector: vars.rollout ? Object.entries(vars.rollout.selector).map(([k, v]) => `${k}=${v}`).join(",") : null });
        setSaved(draft);
        const name = (vars.route as Route).name;
        if (name !== originalName) {
          setOriginalName(name);
          // Update the address without remounting, so the result and rollout stay on screen.
          window.history.replaceState(null, "", `/routes/${encodeURIComponent(name)}`);
        }
        await Promise.all([
          queryClient.invalidateQueries(trpc.routes.pathFilter()),
          queryClient.invalidateQueries(trpc.config.pathFilter()),
          queryClient.invalidateQueries(trpc.dataPlanes.pathFilter()),
        ]);
      },
      onError: (error) => {
        const fieldErrors = serverFieldErrors(error);
        setErrors(fieldErrors);
        setErrorBanner(fieldErrors.length > 0 ? null : errorCode(error) === "FORBIDDEN" ? "Your role can't change routes." : errorMessage(error));
      },
    }),
  );

  const remove = useMutation(
    trpc.routes.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.routes.pathFilter());
        router.push("/routes");
      },
      onError: (error) => setErrorBanner(errorMessage(error)),
    }),
  );

  const patch = (p: Partial<RouteDraft>) => setDraft((d) => ({ ...d, ...p }));
  const setRule = (i: number, rule: RuleDraft) => setDraft((d) => ({ ...d, rules: d.rules.map((r, j) => (j === i ? rule : r)) }));

  const save = () => {
    setResult(null);
    setErrorBanner(null);
    const check = validateDraft(draft);
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    setErrors([]);
    const selector = canary ? parseSelector(selectorText) : null;
    if (canary && (!selector || Object.keys(selector).length === 0)) {
      setSelectorError("Write labels as key=value, separated by commas");
      return;
    }
    setSelectorError(null);
    upsert.mutate({ route: check.route as Route, ...(originalName ? { originalName } : {}), ...(selector ? { rollout: { selector } } : {}) });
  };

  return (
    <FieldErrorsProvider errors={errorMap}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
        aria-label={originalName ? `Edit route ${originalName}` : "New route"}
      >
        <Link href="/routes" className="mb-3 inline-flex items-center gap-1 rounded-sm text-sm text-muted-foreground hover:text-foreground">
          <ChevronLeftIcon /> Routes
        </Link>
        <PageHeader
          title={originalName ? originalName : "New route"}
          description={dirty ? "Unsaved changes" : originalName ? "Saved" : "Describe the match, then where the traffic goes."}
          actions={
            <>
              {originalName && (
                <Button
                  variant="ghost"
                  onClick={() => {
                    if (window.confirm(`Delete route "${originalName}"? This publishes a new version.`)) remove.mutate({ name: originalName });
                  }}
                  disabled={remove.isPending}
                  data-testid="route-delete"
                >
                  <TrashIcon /> Delete
                </Button>
              )}
              <Button type="submit" disabled={upsert.isPending} data-testid="route-save">
                {upsert.isPending ? <SpinnerIcon /> : <CheckIcon />}
                Save and publish
              </Button>
            </>
          }
        />

        <div className="flex flex-col gap-5">
          {result && (
            <Card className="border-success/40" data-testid="rollout-card">
              <CardHeader>
                <CardTitle className="flex items-center gap-2 text-success" data-testid="save-result" role="status">
                  <CheckIcon />{" "}
                  {!result.changed
                    ? `No changes: version ${result.version} is already live`
                    : result.selector
                      ? `Published version ${result.version} to canary data planes (${result.selector})`
                      : `Published version ${result.version}`}
                </CardTitle>
                <CardDescription>
                  {result.selector && result.changed ? (
                    <>
                      Rollout to data planes. When the canaries look healthy,{" "}
                      <Link href="/history" className="text-primary underline-offset-4 hover:underline">
                        promote it on the History page
                      </Link>
                      ; a rejection halts it by itself.
                    </>
                  ) : (
                    "Rollout to data planes"
                  )}
                </CardDescription>
              </CardHeader>
              <CardContent>
                <RolloutStatus version={result.version} />
              </CardContent>
            </Card>
          )}
          <ErrorSummary errors={errors} placed={placed} message={errorBanner} />
          <CanaryOption enabled={canary} selector={selectorText} error={selectorError} onEnabled={setCanary} onSelector={setSelectorText} />

          <GeneralFields draft={draft} onChange={patch} />
          {originalName && <RoutePoliciesCard route={originalName} />}

          {services.isError && <QueryError error={services.error} onRetry={() => void services.refetch()} />}
          {draft.rules.map((rule, i) => (
            <RuleEditor
              key={i}
              rule={rule}
              index={i}
              services={services.data ?? []}
              canRemove={draft.rules.length > 1}
              onChange={(r) => setRule(i, r)}
              onRemove={() => setDraft((d) => ({ ...d, rules: d.rules.filter((_, j) => j !== i) }))}
            />
          ))}
          <div className="flex flex-wrap items-center justify-between gap-3">
            <Button
              variant="outline"
              onClick={() => setDraft((d) => ({ ...d, rules: [...d.rules, { rest: {}, destinations: [{ service: services.data?.[0]?.name ?? "", subset: "", weight: "100" }] }] }))}
              data-testid="rule-add"
            >
              <PlusIcon /> Add rule
            </Button>
            <p className="text-xs text-muted-foreground">Rules are tried in order; the first that matches wins.</p>
          </div>
        </div>
      </form>
    </FieldErrorsProvider>
  );
}

/** Loads the route (or starts a blank one for /routes/new) and renders the form once. */
export function RouteEditor({ name }: { name: string | null }) {
  const trpc = useTRPC();
  const route = useQuery(trpc.routes.get.queryOptions({ name: name ?? "" }, { enabled: name !== null, staleTime: Infinity, refetchOnWindowFocus: false }));

  if (name === null) return <EditorForm initial={emptyDraft()} originalName={null} />;
  if (route.isPending) {
    return (
      <div className="flex items-center gap-2 py-10 text-muted-foreground" aria-live="polite">
        <SpinnerIcon /> Loading route…
      </div>
    );
  }
  if (route.isError) {
    return (
      <div className="flex flex-col gap-4">
        <Link href="/routes" className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
          <ChevronLeftIcon /> Routes
        </Link>
        {errorCode(route.error) === "NOT_FOUND" ? (
          <p className="text-lg font-medium">Route “{name}” doesn&apos;t exist.</p>
        ) : (
          <QueryError error={route.error} onRetry={() => void route.refetch()} />
        )}
      </div>
    );
  }
  return <EditorForm key={name} initial={draftFromRoute(route.data as Route)} originalName={name} />;
}
