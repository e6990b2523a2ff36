"use client";

import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { Select } from "@/components/ui/select.tsx";
import { FieldErrorText, useFieldAria } from "@/components/route-editor/field-errors.tsx";
import { cn } from "@/lib/cn.ts";
import { PemField } from "@/components/certificates/pem-field.tsx";
import { RecordInput } from "./record-input.tsx";
import { humanize, pemFieldHints, type FieldShape } from "./schema-shape.ts";
import { Switch } from "./switch.tsx";
import { TagInput } from "./tag-input.tsx";

type Obj = Record<string, unknown>;
type ObjectShape = Extract<FieldShape, { kind: "object" }>;

const testIdOf = (path: string) => `field-${path.replace(/\./g, "-")}`;

function placeholderOf(def: unknown): string | undefined {
  if (def === undefined) return undefined;
  return Array.isArray(def) ? def.join(", ") : typeof def === "object" ? undefined : String(def);
}

/** One field, chosen by the schema: enums → selects, arrays → tag inputs, booleans → switches. */
function Field({ name, shape, optional, defaultValue, value, path, onChange }: {
  name: string;
  shape: FieldShape;
  optional: boolean;
  defaultValue: unknown;
  value: unknown;
  path: string;
  onChange(v: unknown): void;
}) {
  const aria = useFieldAria(path, shape.kind === "object" || shape.kind === "array" || shape.kind === "record");
  const id = `f-${path.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
  const label = humanize(name);
  const hint = optional && defaultValue === undefined ? <span className="font-normal text-muted-foreground"> (optional)</span> : null;

  if (shape.kind === "boolean") {
    return (
      <div className="flex flex-col justify-end gap-1.5 pb-1.5">
        <Switch id={id} checked={value === true} onChange={(v) => onChange(optional && !v && defaultValue === undefined ? undefined : v)} label={label} testId={testIdOf(path)} />
        <FieldErrorText path={path} />
      </div>
    );
  }

  const pem = shape.kind === "string" ? pemFieldHints(name) : null;
  if (pem !== null) {
    return (
      <PemField id={id} label={label} value={typeof value === "string" ? value : ""} onChange={(v) => onChange(v.trim() === "" ? undefined : v)}
        placeholder={pem.placeholder} hint={optional ? pem.whenEmpty : undefined} path={path} testId={testIdOf(path)} />
    );
  }

  if (shape.kind === "object") {
    const on = value !== undefined && value !== null;
    return (
      <fieldset className="col-span-full flex flex-col gap-3 rounded-lg border p-4" data-testid={`group-${path.replace(/\./g, "-")}`}>
        <legend className="px-1 text-sm font-medium">{label}</legend>
        {optional && (
          <Switch id={`${id}-on`} checked={on} onChange={(v) => onChange(v ? objectDefaults(shape) : undefined)} label={on ? "Configured" : "Not configured (defaults apply)"} testId={`${testIdOf(path)}-on`} />
        )}
        {(on || !optional) && <SchemaFields shape={shape} value={(value as Obj | undefined) ?? {}} path={path} onChange={onChange} />}
        <FieldErrorText path={path} />
      </fieldset>
    );
  }

  let control;
  if (shape.kind === "enum") {
    control = (
      <Select id={id} value={value === undefined ? "" : String(value)} onChange={(e) => onChange(e.target.value === "" ? undefined : shape.numeric ? Number(e.target.value) : e.target.value)} data-testid={testIdOf(path)} {...aria}>
        {(optional || defaultValue === undefined) && <option value="">{defaultValue === undefined ? "—" : `Default (${String(defaultValue)})`}</option>}
        {shape.options.map((o) => <option key={o} value={o}>{o}</option>)}
      </Select>
    );
  } else if (shape.kind === "array" && shape.element.kind === "enum") {
    const list = Array.isArray(value) ? (value as string[]) : [];
    const options = shape.element.options;
    control = (
      <div className="flex flex-wrap gap-1.5" role="group" aria-labelledby={`${id}-label`} data-testid={testIdOf(path)} {...aria}>
        {options.map((o) => {
          const on = list.includes(o);
          return (
            <button
              key={o}
              type="button"
              aria-pressed={on}
              onClick={() => onChange(on ? list.filter((x) => x !== o) : options.filter((x) => x === o || list.includes(x)))}
              className={cn("rounded-md border px-2 py-1 font-mono text-xs transition-colors", on ? "border-primary bg-primary/10 text-primary" : "text-muted-foreground hover:bg-accent")}
            >
              {o}
            </button>
          );
        })}
      </div>
    );
  } else if (shape.kind === "array") {
    const list = Array.isArray(value) ? (value as unknown[]).map(String) : [];
    const numeric = shape.element.kind === "number";
    control = (
      <TagInput
        id={id}
        value={list}
        onChange={(next) => onChange(numeric ? next.map((x) => (/^-?\d+(\.\d+)?$/.test(x) ? Number(x) : x)) : next)}
        placeholder={placeholderOf(defaultValue) ?? "Type and press Enter"}
        invalid={aria["aria-invalid"]}
        describedBy={aria["aria-describedby"]}
        testId={testIdOf(path)}
      />
    );
  } else if (shape.kind === "record" && (shape.value.kind === "string" || shape.value.kind === "enum")) {
    control = (
      <RecordInput id={id} value={(value as Record<string, string> | undefined) ?? {}} onChange={(r) => onChange(Object.keys(r).length === 0 && optional ? undefined : r)} placeholder="name=value" invalid={aria["aria-invalid"]} describedBy={aria["aria-describedby"]} testId={testIdOf(path)} />
    );
  } else if (shape.kind === "number" || shape.kind === "duration" || shape.kind === "string") {
    control = (
      <Input
        id={id}
        inputMode={shape.kind === "number" ? "numeric" : undefined}
        value={value === undefined || value === null ? "" : String(value)}
        placeholder={placeholderOf(defaultValue) ?? (shape.kind === "duration" ? "e.g. 250ms, 10s" : undefined)}
        onChange={(e) => {
          const t = e.target.value;
          if (t === "") return onChange(undefined);
          if (shape.kind === "string") return onChange(t);
          // Numbers stay text until they parse, so the schema can say what is wrong with them.
          return onChange(/^-?\d+(\.\d+)?$/.test(t.trim()) ? Number(t) : t);
        }}
        autoComplete="off"
        spellCheck={false}
        data-testid={testIdOf(path)}
        {...aria}
      />
    );
  } else {
    control = <p className="text-xs text-muted-foreground">Edit this field in the YAML config.</p>;
  }

  return (
    <div className={cn("flex flex-col gap-1.5", shape.kind === "record" || (shape.kind === "array" && shape.element.kind !== "enum") ? "sm:col-span-2" : "")}>
      <Label htmlFor={id} id={`${id}-label`}>{label}{hint}</Label>
      {control}
      <FieldErrorText path={path} prefix={shape.kind === "array" || shape.kind === "record"} />
    </div>
  );
}

/** Defaults of an object's fields, as a form starts them. */
export function objectDefaults(shape: ObjectShape): Obj {
  const out: Obj = {};
  for (const f of shape.fields) if (f.defaultValue !== undefined) out[f.key] = structuredClone(f.defaultValue);
  return out;
}

/** A form for an object schema: one field per key, nested objects as fieldsets. */
export function SchemaFields({ shape, value, path, onChange, omit = [] }: { shape: FieldShape; value: Obj; path: string; onChange(v: Obj): void; omit?: readonly string[] }) {
  if (shape.kind !== "object") return null;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {shape.fields.filter((f) => !omit.includes(f.key)).map((f) => (
        <Field
          key={f.key}
          name={f.key}
          shape={f.shape}
          optional={f.optional}
          defaultValue={f.defaultValue}
          value={value[f.key]}
          path={path ? `${path}.${f.key}` : f.key}
          onChange={(v) => {
            const next = { ...value };
            if (v === undefined) delete next[f.key];
            else next[f.key] = v;
            onChange(next);
          }}
        />
      ))}
    </div>
  );
}
