"use client";

import dynamic from "next/dynamic";
import { useState } from "react";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";

// Swagger UI needs the browser (window, DOMPurify): never rendered on the server.
const SwaggerReference = dynamic(() => import("@/components/portal/swagger-reference.tsx"), {
  ssr: false,
  loading: () => <p className="text-sm text-muted-foreground">Loading the API reference…</p>,
});

/**
 * The API reference of a product (operations, parameters, schemas, examples) rendered by Swagger
 * UI, with the key "Try it out" sends. Keys are stored hashed and shown once, so the developer
 * pastes the key of the app they want to try with.
 */
export function ApiReference({ document, gateway }: { document: Record<string, unknown>; gateway: string }) {
  const [apiKey, setApiKey] = useState("");
  return (
    <div className="grid gap-4" data-testid="api-reference">
      <div className="flex flex-wrap items-end gap-4 rounded-lg border bg-card p-4">
        <div className="grid min-w-72 flex-1 gap-1.5">
          <Label htmlFor="try-it-key">API key for “Try it out”</Label>
          <Input id="try-it-key" placeholder="sy_…" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" spellCheck={false} data-testid="try-it-key" />
        </div>
        <p className="max-w-md text-sm text-muted-foreground">
          Requests go to <code className="font-mono">{gateway}</code> with your key in the <code className="font-mono">apikey</code> header, and count against your plan.
        </p>
      </div>
      <SwaggerReference document={document} gateway={gateway} apiKey={apiKey} />
    </div>
  );
}
