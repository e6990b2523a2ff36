"use client";

import { useState, type ChangeEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { DiffView } from "@/components/history/diff-view.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { RolloutStatus } from "@/components/route-editor/rollout-status.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { errorMessage } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

const FORMAT_LABEL: Record<string, string> = {
  switchyard: "Switchyard config (replaces the whole config)",
  kong: "Kong declarative config",
  kubernetes: "Kubernetes Ingress / Kong for Kubernetes",
  istio: "Istio VirtualService / DestinationRule / ServiceEntry",
};

/**
 * Paste or upload YAML (ours, Kong, Kubernetes or Istio), see how it was read, what could not be
 * carried over and the diff against the running config, then publish it as a new version.
 */
export function ImportConfig() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [message, setMessage] = useState("");
  const preview = useMutation(trpc.config.importPreview.mutationOptions());
  const publish = useMutation(
    trpc.config.import.mutationOptions({
      onSuccess: () => Promise.all([queryClient.invalidateQueries(trpc.config.pathFilter()), queryClient.invalidateQueries(trpc.routes.pathFilter()), queryClient.invalidateQueries(trpc.services.pathFilter())]),
    }),
  );

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setText(await file.text());
    preview.reset();
    publish.reset();
  };

  const result = preview.data;
  const canPublish = !!result?.config && !publish.isPending && !publish.data;

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Import" description="Paste or upload YAML you already have: Switchyard, Kong declarative, Kubernetes Ingress with Kong annotations, or Istio resources." />

      <Card>
        <CardHeader>
          <CardTitle>Source</CardTitle>
          <CardDescription>Kong, Kubernetes and Istio input is laid over the running config by name; our own format replaces it.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          <div className="flex flex-col gap-2">
            <Label htmlFor="import-file">Upload a file</Label>
            <Input id="import-file" type="file" accept=".yaml,.yml,.json,text/yaml,application/json" onChange={onFile} data-testid="import-file" />
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor="import-text">YAML or JSON</Label>
            <textarea
              id="import-text"
              data-testid="import-text"
              value={text}
              onChange={(e) => { setText(e.target.value); preview.reset(); publish.reset(); }}
              rows={16}
              spellCheck={false}
              placeholder={"apiVersion: networking.istio.io/v1\nkind: VirtualService\n..."}
              className="w-full rounded-md border border-input bg-background px-3 py-2 font-mono text-xs leading-5 shadow-xs focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            />
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <Button onClick={() => preview.mutate({ text })} disabled={!text.trim() || preview.isPending} data-testid="import-preview">
              {preview.isPending ? "Reading…" : "Preview"}
            </Button>
            {preview.error && <span className="text-sm text-destructive">{errorMessage(preview.error)}</span>}
          </div>
        </CardContent>
      </Card>

      {result && (
        <Card data-testid="import-result">
          <CardHeader>
            <CardTitle className="flex flex-wrap items-center gap-2">
              Preview
              {result.format && <Badge data-testid="import-format">{FORMAT_LABEL[result.format] ?? result.format}</Badge>}
              {result.config && <Badge variant="success">+{result.added} −{result.removed} lines against version {result.baseVersion ?? "none"}</Badge>}
            </CardTitle>
            <CardDescription>Nothing is stored until you publish.</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-4">
            {result.errors.length > 0 && (
              <div className="rounded-md border border-destructive/40 bg-destructive/5 p-3" role="alert" data-testid="import-errors">
                <p className="mb-2 text-sm font-medium text-destructive">It can't be published as it is:</p>
                <ul className="flex flex-col gap-1 text-sm">
                  {result.errors.map((e, i) => (
                    <li key={i} data-testid={`import-error-${e.path || "root"}`}>
                      {e.path && <code className="mr-2 rounded bg-muted px-1 font-mono text-xs">{e.path}</code>}
                      {e.message}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {result.warnings.length > 0 && (
              <div className="rounded-md border border-warning/50 bg-warning/10 p-3" data-testid="import-warnings">
                <p className="mb-2 text-sm font-medium">Not carried over ({result.warnings.length}):</p>
                <ul className="list-disc pl-5 text-sm">
                  {result.warnings.map((w, i) => <li key={i}>{w}</li>)}
                </ul>
              </div>
            )}
            {result.config && <DiffView lines={result.lines} />}
            {result.config && (
              <div className="flex flex-wrap items-end gap-2">
                <div className="flex min-w-64 flex-1 flex-col gap-2">
                  <Label htmlFor="import-message">Message (optional)</Label>
                  <Input id="import-message" value={message} onChange={(e) => setMessage(e.target.value)} placeholder={`Imported ${result.format} config`} />
                </div>
                <Button onClick={() => publish.mutate({ text, message: message || undefined })} disabled={!canPublish} data-testid="import-publish">
                  {publish.isPending ? "Publishing…" : "Publish"}
                </Button>
              </div>
            )}
            {publish.error && <p className="text-sm text-destructive" role="alert">{errorMessage(publish.error)}</p>}
          </CardContent>
        </Card>
      )}

      {publish.data && (
        <Card data-testid="import-published">
          <CardHeader>
            <CardTitle>{publish.data.changed ? `Published version ${publish.data.version}` : `No changes: version ${publish.data.version} is already live`}</CardTitle>
          </CardHeader>
          <CardContent>
            <RolloutStatus version={publish.data.version} />
          </CardContent>
        </Card>
      )}
    </div>
  );
}
