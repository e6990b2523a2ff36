"use client";

import { HttpsRedirectSchema } from "@switchyard/config";
import { objectDefaults, SchemaFields } from "@/components/policies/schema-fields.tsx";
import { shapeOf } from "@/components/policies/schema-shape.ts";
import { Switch } from "@/components/policies/switch.tsx";
import type { RouteDraft } from "@/lib/route-draft.ts";
import { FieldErrorText } from "./field-errors.tsx";

const REDIRECT_SHAPE = shapeOf(HttpsRedirectSchema) as Extract<ReturnType<typeof shapeOf>, { kind: "object" }>;

/** "HTTPS only" (Kong protocols: [https]): plain-HTTP requests to this route are redirected. */
export function HttpsOnlyFields({ draft, onChange }: { draft: RouteDraft; onChange: (patch: Partial<RouteDraft>) => void }) {
  const on = draft.httpsRedirect !== null;
  return (
    <div className="flex flex-col gap-3 sm:col-span-2" data-testid="route-https-only">
      <Switch id="route-https-only" checked={on} onChange={(v) => onChange({ httpsRedirect: v ? objectDefaults(REDIRECT_SHAPE) : null })} label="HTTPS only" testId="route-https-only-on" />
      <p className="text-xs text-muted-foreground">
        {on
          ? "Plain-HTTP requests get a redirect to the same URL over HTTPS (426 answers without a Location, as Kong's default). Requests a trusted proxy reports as HTTPS are served."
          : "Served over plain HTTP and HTTPS alike."}
      </p>
      {on && <SchemaFields shape={REDIRECT_SHAPE} value={draft.httpsRedirect!} path="httpsRedirect" onChange={(v) => onChange({ httpsRedirect: v })} />}
      <FieldErrorText path="httpsRedirect" />
    </div>
  );
}
