"use client";

import type { Service } from "@switchyard/config";
import { PlusIcon, TrashIcon } from "@/components/icons.tsx";
import { SplitBar, splitColor } from "@/components/split-bar.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { Select } from "@/components/ui/select.tsx";
import { Slider } from "@/components/ui/slider.tsx";
import { cn } from "@/lib/cn.ts";
import { canaryValue, draftWeights, type DestinationDraft, type RuleDraft } from "@/lib/route-draft.ts";
import { destinationLabel, formatPercent, splitPercents } from "@/lib/split.ts";
import { FieldErrorText, useFieldAria } from "./field-errors.tsx";

interface RuleEditorProps {
  rule: RuleDraft;
  index: number;
  services: Service[];
  canRemove: boolean;
  onChange: (rule: RuleDraft) => void;
  onRemove: () => void;
}

function describeMatch(rule: RuleDraft): string | null {
  const blocks = rule.rest.match ?? [];
  if (blocks.length === 0) return null;
  const parts = blocks.map((m) => {
    const conds: string[] = [];
    for (const [h, v] of Object.entries(m.headers ?? {})) conds.push(`header ${h} ${Object.keys(v)[0]} ${Object.values(v)[0] === true ? "" : String(Object.values(v)[0])}`.trim());
    for (const [q, v] of Object.entries(m.query ?? {})) conds.push(`query ${q} ${Object.keys(v)[0]} ${Object.values(v)[0] === true ? "" : String(Object.values(v)[0])}`.trim());
    if (m.methods?.length) conds.push(`method ${m.methods.join("|")}`);
    return conds.join(" and ") || "any request";
  });
  return parts.join(" or ");
}

function DestinationRow({
  dest,
  ruleIndex,
  index,
  percent,
  services,
  canRemove,
  onChange,
  onRemove,
}: {
  dest: DestinationDraft;
  ruleIndex: number;
  index: number;
  percent: number;
  services: Service[];
  canRemove: boolean;
  onChange: (d: DestinationDraft) => void;
  onRemove: () => void;
}) {
  const base = `rules.${ruleIndex}.destinations.${index}`;
  const service = services.find((s) => s.name === dest.service);
  const serviceOptions = services.map((s) => s.name);
  if (dest.service && !serviceOptions.includes(dest.service)) serviceOptions.unshift(dest.service);
  const subsetOptions = (service?.subsets ?? []).map((s) => s.name);
  if (dest.subset && !subsetOptions.includes(dest.subset)) subsetOptions.unshift(dest.subset);
  const id = `r${ruleIndex}d${index}`;
  const serviceAria = useFieldAria(`${base}.service`);
  const subsetAria = useFieldAria(`${base}.subset`);
  const weightAria = useFieldAria(`${base}.weight`);
  const rowAria = useFieldAria(base);

  return (
    <li className="grid grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] items-start gap-x-3 gap-y-2 rounded-lg border bg-background/50 p-3 sm:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_6.5rem_auto]" data-testid={`dest-${ruleIndex}-${index}`}>
      <div className="order-1 col-span-2 flex flex-col gap-1.5 sm:order-none sm:col-span-1">
        <Label htmlFor={`${id}-service`} className="flex items-center gap-2">
          <span className={cn("size-2 rounded-full", splitColor(index))} aria-hidden="true" />
          Service
        </Label>
        <Select
          id={`${id}-service`}
          value={dest.service}
          onChange={(e) => {
            const next = services.find((s) => s.name === e.target.value);
            const keepSubset = next?.subsets.some((s) => s.name === dest.subset) ?? false;
            onChange({ ...dest, service: e.target.value, subset: keepSubset ? dest.subset : "" });
          }}
          data-testid={`dest-service-${ruleIndex}-${index}`}
          {...serviceAria}
        >
          <option value="" disabled>
            Choose a service…
          </option>
          {serviceOptions.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </Select>
        <FieldErrorText path={`${base}.service`} />
      </div>
      <div className="order-3 flex flex-col gap-1.5 sm:order-none">
        <Label htmlFor={`${id}-subset`}>Subset</Label>
        <Select
          id={`${id}-subset`}
          value={dest.subset}
          onChange={(e) => onChange({ ...dest, subset: e.target.value })}
          disabled={!dest.service}
          data-testid={`dest-subset-${ruleIndex}-${index}`}
          {...subsetAria}
        >
          <option value="">All targets</option>
          {subsetOptions.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </Select>
        <FieldErrorText path={`${base}.subset`} />
      </div>
      <div className="order-4 col-span-2 flex flex-col gap-1.5 sm:order-none sm:col-span-1">
        <Label htmlFor={`${id}-weight`} className="flex justify-between">
          Weight
          <span className="font-normal tabular-nums text-muted-foreground" data-testid={`dest-percent-${ruleIndex}-${index}`}>
            {formatPercent(percent)}
          </span>
        </Label>
        <Input
          id={`${id}-weight`}
          inputMode="numeric"
          value={dest.weight}
          onChange={(e) => onChange({ ...dest, weight: e.target.value })}
          data-testid={`dest-weight-${ruleIndex}-${index}`}
          className="tabular-nums"
          {...weightAria}
        />
        <FieldErrorText path={`${base}.weight`} />
      </div>
      <div className="order-2 flex justify-end pt-6 sm:order-none">
        <Button
          variant="ghost"
          size="icon"
          onClick={onRemove}
          disabled={!canRemove}
          aria-label={`Remove destination ${index + 1}${dest.service ? ` (${destinationLabel(dest)})` : ""}`}
          title="Remove destination"
          data-testid={`dest-remove-${ruleIndex}-${index}`}
        >
          <TrashIcon />
        </Button>
      </div>
      {rowAria["aria-invalid"] && (
        <div className="order-5 col-span-full sm:order-none">
          <FieldErrorText path={base} />
        </div>
      )}
    </li>
  );
}

function CanarySlider({ rule, ruleIndex, onChange }: { rule: RuleDraft; ruleIndex: number; onChange: (rule: RuleDraft) => void }) {
  const value = canaryValue(rule);
  const [a, b] = rule.destinations;
  if (!a || !b) return null;
  const nameA = a.service ? destinationLabel(a) : "destination 1";
  const nameB = b.service ? destinationLabel(b) : "destination 2";
  const setSplit = (pct: number) =>
    onChange({ ...rule, destinations: [{ ...a, weight: String(pct) }, { ...b, weight: String(100 - pct) }] });
  return (
    <div className="rounded-lg border border-dashed p-4">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <Label htmlFor={`canary-${ruleIndex}`}>Canary split</Label>
        <span className="text-sm tabular-nums" aria-live="polite" data-testid={`canary-split-${ruleIndex}`}>
          <span className="font-medium text-primary">{value}%</span> {nameA} · <span className="font-medium text-chart-2">{100 - value}%</span> {nameB}
        </span>
      </div>
      <Slider
        id={`canary-${ruleIndex}`}
        value={value}
        onValueChange={setSplit}
        step={1}
        aria-label={`Traffic to ${nameA} in percent (the rest goes to ${nameB})`}
        aria-valuetext={`${value}% to ${nameA}, ${100 - value}% to ${nameB}`}
        data-testid={`canary-slider-${ruleIndex}`}
      />
      <div className="mt-3 flex flex-wrap gap-1.5">
        {[0, 10, 25, 50, 75, 90, 100].map((p) => (
          <Button key={p} size="sm" variant={p === value ? "secondary" : "ghost"} onClick={() => setSplit(p)} aria-label={`Set ${p}% to ${nameA}`} className="h-7 px-2 tabular-nums">
            {p}/{100 - p}
          </Button>
        ))}
      </div>
    </div>
  );
}

export function RuleEditor({ rule, index, services, canRemove, onChange, onRemove }: RuleEditorProps) {
  const weights = draftWeights(rule);
  const percents = splitPercents(weights);
  const match = describeMatch(rule);
  const updateDest = (i: number, d: DestinationDraft) => onChange({ ...rule, destinations: rule.destinations.map((x, j) => (j === i ? d : x)) });
  const removeDest = (i: number) => onChange({ ...rule, destinations: rule.destinations.filter((_, j) => j !== i) });
  const addDest = () =>
    onChange({
      ...rule,
      // A new destination starts with no traffic, so adding one never shifts the live split by itself.
      destinations: [...rule.destinations, { service: rule.destinations[0]?.service ?? services[0]?.name ?? "", subset: "", weight: rule.destinations.length ? "0" : "100" }],
    });

  return (
    <Card data-testid={`rule-${index}`}>
      <CardHeader className="flex-row items-start justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1.5">
          <CardTitle>{rule.rest.name ? `Rule ${index + 1}: ${rule.rest.name}` : `Rule ${index + 1}`}</CardTitle>
          <CardDescription>{match ? `Applies when ${match}.` : "Default rule: applies to every request on this route."}</CardDescription>
        </div>
        {canRemove && (
          <Button variant="ghost" size="sm" onClick={onRemove} aria-label={`Remove rule ${index + 1}`}>
            <TrashIcon /> Remove
          </Button>
        )}
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <SplitBar parts={rule.destinations.map((d, i) => ({ label: destinationLabel(d), percent: percents[i] ?? 0 }))} className="h-2" />
        <ul className="flex flex-col gap-3" aria-label={`Destinations of rule ${index + 1}`}>
          {rule.destinations.map((d, i) => (
            <DestinationRow
              key={i}
              dest={d}
              ruleIndex={index}
              index={i}
              percent={percents[i] ?? 0}
              services={services}
              canRemove={rule.destinations.length > 1}
              onChange={(nd) => updateDest(i, nd)}
              onRemove={() => removeDest(i)}
            />
          ))}
        </ul>
        <FieldErrorText path={`rules.${index}.destinations`} />
        <FieldErrorText path={`rules.${index}`} />
        {rule.destinations.length === 2 && <CanarySlider rule={rule} ruleIndex={index} onChange={onChange} />}
        <div>
          <Button variant="outline" size="sm" onClick={addDest} data-testid={`dest-add-${index}`}>
            <PlusIcon /> Add destination
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}
