"use client";

import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Checkbox } from "@/components/ui/checkbox.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { Select } from "@/components/ui/select.tsx";
import { cn } from "@/lib/cn.ts";
import { HTTP_METHODS, type PathType, type RouteDraft } from "@/lib/route-draft.ts";
import { FieldErrorText, useFieldAria } from "./field-errors.tsx";
import { HttpsOnlyFields } from "./https-only-fields.tsx";

const PATH_HINT: Record<PathType, string> = {
  prefix: "Matches this path and everything below it.",
  exact: "Matches this path only.",
  regex: "A regular expression matched against the whole path.",
};

export function GeneralFields({ draft, onChange }: { draft: RouteDraft; onChange: (patch: Partial<RouteDraft>) => void }) {
  const nameAria = useFieldAria("name");
  const descAria = useFieldAria("description");
  const pathAria = useFieldAria("path.value");
  const priorityAria = useFieldAria("priority");
  const hostsAria = useFieldAria("hosts", true);
  const toggleMethod = (m: string) =>
    onChange({ methods: draft.methods.includes(m) ? draft.methods.filter((x) => x !== m) : HTTP_METHODS.filter((x) => x === m || draft.methods.includes(x)) });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Match</CardTitle>
        <CardDescription>Which requests this route handles.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-5 sm:grid-cols-2">
        <div className="flex flex-col gap-2">
          <Label htmlFor="route-name">Name</Label>
          <Input id="route-name" value={draft.name} onChange={(e) => onChange({ name: e.target.value })} placeholder="users" autoComplete="off" spellCheck={false} data-testid="route-name" {...nameAria} />
          <FieldErrorText path="name" />
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor="route-description">
            Description <span className="font-normal text-muted-foreground">(optional)</span>
          </Label>
          <Input id="route-description" value={draft.description} onChange={(e) => onChange({ description: e.target.value })} data-testid="route-description" {...descAria} />
          <FieldErrorText path="description" />
        </div>

        <div className="flex flex-col gap-2 sm:col-span-2">
          <Label htmlFor="route-path">Path</Label>
          <div className="flex gap-2">
            <div className="w-32 shrink-0">
              <Select
                aria-label="Path match type"
                value={draft.pathType}
                onChange={(e) => onChange({ pathType: e.target.value as PathType })}
                data-testid="route-path-type"
              >
                <option value="prefix">Prefix</option>
                <option value="exact">Exact</option>
                <option value="regex">Regex</option>
              </Select>
            </div>
            <Input id="route-path" className="font-mono" value={draft.pathValue} onChange={(e) => onChange({ pathValue: e.target.value })} spellCheck={false} data-testid="route-path" {...pathAria} />
          </div>
          <p className="text-xs text-muted-foreground">{PATH_HINT[draft.pathType]}</p>
          <FieldErrorText path="path.value" />
          <FieldErrorText path="path" />
          <FieldErrorText path="path.type" />
        </div>

        <div className="flex flex-col gap-2 sm:col-span-2">
          <Label htmlFor="route-hosts">Hosts</Label>
          <Input
            id="route-hosts"
            className="font-mono"
            value={draft.hosts}
            onChange={(e) => onChange({ hosts: e.target.value })}
            placeholder="Any host — or api.example.com, *.example.com"
            spellCheck={false}
            data-testid="route-hosts"
            {...hostsAria}
          />
          <p className="text-xs text-muted-foreground">Comma-separated. Leave empty to match every host.</p>
          <FieldErrorText path="hosts" prefix />
        </div>

        <fieldset className="flex flex-col gap-2 sm:col-span-2">
          <legend className="mb-2 text-sm font-medium">Methods</legend>
          <div className="flex flex-wrap gap-1.5">
            {HTTP_METHODS.map((m) => {
              const on = draft.methods.includes(m);
              return (
                <button
                  key={m}
                  type="button"
                  aria-pressed={on}
                  onClick={() => toggleMethod(m)}
                  data-testid={`route-method-${m}`}
                  className={cn(
                    "h-7 rounded-md border px-2.5 font-mono text-xs font-medium transition-colors",
                    on ? "border-primary bg-primary text-primary-foreground" : "bg-card text-muted-foreground hover:bg-accent hover:text-foreground",
                  )}
                >
                  {m}
                </button>
              );
            })}
          </div>
          <p className="text-xs text-muted-foreground">{draft.methods.length === 0 ? "No method selected: every method matches." : `Only ${draft.methods.join(", ")}.`}</p>
          <FieldErrorText path="methods" prefix />
        </fieldset>

        <div className="flex items-start gap-3">
          <Checkbox id="route-strip" checked={draft.stripPath} onChange={(e) => onChange({ stripPath: e.target.checked })} className="mt-0.5" data-testid="route-strip-path" />
          <div className="flex flex-col gap-1">
            <Label htmlFor="route-strip">Strip path</Label>
            <p className="text-xs text-muted-foreground">Remove the matched prefix before forwarding upstream.</p>
            <FieldErrorText path="stripPath" />
          </div>
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor="route-priority">Priority</Label>
          <div className="w-28">
            <Input id="route-priority" inputMode="numeric" className="tabular-nums" value={draft.priority} onChange={(e) => onChange({ priority: e.target.value })} data-testid="route-priority" {...priorityAria} />
          </div>
          <FieldErrorText path="priority" />
        </div>
        <HttpsOnlyFields draft={draft} onChange={onChange} />
      </CardContent>
    </Card>
  );
}
