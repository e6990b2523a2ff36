"use client";

import { PlusIcon, TrashIcon } from "@/components/icons.tsx";
import { RecordInput } from "@/components/policies/record-input.tsx";
import { FieldErrorText, useFieldAria } from "@/components/route-editor/field-errors.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { SubsetSchema } from "@switchyard/config";
import { SchemaFields } from "@/components/policies/schema-fields.tsx";
import { shapeOf } from "@/components/policies/schema-shape.ts";
import { selectedTargets, type ServiceDraft } from "./service-draft.ts";

const SUBSET_SHAPE = shapeOf(SubsetSchema);
/** The subset row has its own inputs for these; the rest (its traffic policy) is generated. */
const SUBSET_OWN_FIELDS = ["name", "labels"] as const;

const numberOrText = (t: string): unknown => (t === "" ? "" : /^\d+$/.test(t.trim()) ? Number(t) : t);

function TargetRow({ target, index, canRemove, onChange, onRemove }: { target: ServiceDraft["targets"][number]; index: number; canRemove: boolean; onChange(t: ServiceDraft["targets"][number]): void; onRemove(): void }) {
  const p = `targets.${index}`;
  const host = useFieldAria(`${p}.host`), port = useFieldAria(`${p}.port`), weight = useFieldAria(`${p}.weight`), labels = useFieldAria(`${p}.labels`, true);
  return (
    <div className="grid gap-3 rounded-lg border p-3 sm:grid-cols-[2fr_1fr_1fr_2fr_auto]" data-testid={`target-${index}`}>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`t${index}-host`}>Host</Label>
        <Input id={`t${index}-host`} value={target.host} onChange={(e) => onChange({ ...target, host: e.target.value })} spellCheck={false} data-testid={`target-${index}-host`} {...host} />
        <FieldErrorText path={`${p}.host`} />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`t${index}-port`}>Port</Label>
        <Input id={`t${index}-port`} inputMode="numeric" value={String(target.port ?? "")} onChange={(e) => onChange({ ...target, port: numberOrText(e.target.value) })} data-testid={`target-${index}-port`} {...port} />
        <FieldErrorText path={`${p}.port`} />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`t${index}-weight`}>Weight</Label>
        <Input id={`t${index}-weight`} inputMode="numeric" value={String(target.weight ?? "")} placeholder="100" onChange={(e) => { const v = numberOrText(e.target.value); const { weight: _w, ...rest } = target; onChange(v === "" ? rest : { ...rest, weight: v }); }} data-testid={`target-${index}-weight`} {...weight} />
        <FieldErrorText path={`${p}.weight`} />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`t${index}-labels`}>Labels</Label>
        <RecordInput id={`t${index}-labels`} multiline={false} value={target.labels ?? {}} onChange={(l) => onChange({ ...target, labels: l })} placeholder="version=v1, zone=a" invalid={labels["aria-invalid"]} describedBy={labels["aria-describedby"]} testId={`target-${index}-labels`} />
        <FieldErrorText path={`${p}.labels`} prefix />
      </div>
      <div className="flex items-end">
        <Button variant="ghost" size="icon" aria-label={`Remove target ${index + 1}`} disabled={!canRemove} onClick={onRemove}>
          <TrashIcon />
        </Button>
      </div>
    </div>
  );
}

export function TargetsCard({ draft, onChange }: { draft: ServiceDraft; onChange(d: ServiceDraft): void }) {
  const setTarget = (i: number, t: ServiceDraft["targets"][number]) => onChange({ ...draft, targets: draft.targets.map((x, j) => (j === i ? t : x)) });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Targets</CardTitle>
        <CardDescription>Upstream hosts that serve this service. Weight shares traffic between them; labels group them into subsets.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <FieldErrorText path="targets" />
        {draft.targets.map((t, i) => (
          <TargetRow key={i} target={t} index={i} canRemove={draft.targets.length > 1} onChange={(x) => setTarget(i, x)} onRemove={() => onChange({ ...draft, targets: draft.targets.filter((_, j) => j !== i) })} />
        ))}
        <Button variant="outline" className="self-start" onClick={() => onChange({ ...draft, targets: [...draft.targets, { host: "127.0.0.1", port: "", weight: 100, labels: {} }] })} data-testid="target-add">
          <PlusIcon /> Add target
        </Button>
      </CardContent>
    </Card>
  );
}

export function SubsetsCard({ draft, onChange }: { draft: ServiceDraft; onChange(d: ServiceDraft): void }) {
  const setSubset = (i: number, s: ServiceDraft["subsets"][number]) => onChange({ ...draft, subsets: draft.subsets.map((x, j) => (j === i ? s : x)) });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Subsets</CardTitle>
        <CardDescription>Named groups of targets, chosen by label selector; routes send to a subset (e.g. v1 and v2 of a canary).</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {draft.subsets.length === 0 && <p className="text-sm text-muted-foreground">No subsets: routes send to all targets.</p>}
        {draft.subsets.map((s, i) => {
          const picked = selectedTargets(draft, s.labels ?? {});
          return <SubsetRow key={i} index={i} subset={s} picked={picked} onChange={(x) => setSubset(i, x)} onRemove={() => onChange({ ...draft, subsets: draft.subsets.filter((_, j) => j !== i) })} />;
        })}
        <Button variant="outline" className="self-start" onClick={() => onChange({ ...draft, subsets: [...draft.subsets, { name: "", labels: {} }] })} data-testid="subset-add">
          <PlusIcon /> Add subset
        </Button>
      </CardContent>
    </Card>
  );
}

function SubsetRow({ subset, index, picked, onChange, onRemove }: { subset: ServiceDraft["subsets"][number]; index: number; picked: string[]; onChange(s: ServiceDraft["subsets"][number]): void; onRemove(): void }) {
  const p = `subsets.${index}`;
  const name = useFieldAria(`${p}.name`), labels = useFieldAria(`${p}.labels`, true);
  return (
    <div className="grid gap-3 rounded-lg border p-3 sm:grid-cols-[1fr_2fr_auto]" data-testid={`subset-${index}`}>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`s${index}-name`}>Name</Label>
        <Input id={`s${index}-name`} value={subset.name} onChange={(e) => onChange({ ...subset, name: e.target.value })} spellCheck={false} data-testid={`subset-${index}-name`} {...name} />
        <FieldErrorText path={`${p}.name`} />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`s${index}-labels`}>Label selector</Label>
        <RecordInput id={`s${index}-labels`} multiline={false} value={subset.labels ?? {}} onChange={(l) => onChange({ ...subset, labels: l })} placeholder="version=v2" invalid={labels["aria-invalid"]} describedBy={labels["aria-describedby"]} testId={`subset-${index}-labels`} />
        <FieldErrorText path={`${p}.labels`} prefix />
        <div className="flex flex-wrap items-center gap-1 text-xs text-muted-foreground" data-testid={`subset-${index}-selects`}>
          {picked.length === 0 ? <span className="text-warning">Selects no target</span> : <>Selects {picked.map((t) => <Badge key={t} variant="secondary" className="font-mono">{t}</Badge>)}</>}
        </div>
      </div>
      <div className="flex items-end">
        <Button variant="ghost" size="icon" aria-label={`Remove subset ${subset.name || index + 1}`} onClick={onRemove}>
          <TrashIcon />
        </Button>
      </div>
      {/* Istio DestinationRule subsets override the service's traffic policy field by field. */}
      <details className="sm:col-span-3" open={subset.trafficPolicy !== undefined} data-testid={`subset-${index}-policy`}>
        <summary className="cursor-pointer rounded-sm text-sm font-medium text-muted-foreground hover:text-foreground">
          Traffic policy of this subset {subset.trafficPolicy === undefined ? "(inherits the service's)" : "(overrides the service's)"}
        </summary>
        <div className="mt-3">
          <SchemaFields shape={SUBSET_SHAPE} value={subset} path={p} omit={SUBSET_OWN_FIELDS} onChange={(v) => onChange({ ...(v as ServiceDraft["subsets"][number]), name: subset.name, labels: subset.labels })} />
        </div>
      </details>
    </div>
  );
}
