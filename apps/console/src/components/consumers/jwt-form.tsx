"use client";

import { useMemo, useState } from "react";
import { JwtAlgorithmSchema, JwtCredentialSchema, toFieldErrors, type FieldError } from "@switchyard/config";
import { FieldErrorsProvider, FieldErrorText, toErrorMap, useFieldAria } from "@/components/route-editor/field-errors.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { Select } from "@/components/ui/select.tsx";
import { cn } from "@/lib/cn.ts";
import { fieldClasses } from "@/components/ui/input.tsx";

type Source = "secret" | "public_key" | "jwks_url";
const ALGORITHMS = JwtAlgorithmSchema.options;

function Fields({ draft, setDraft }: { draft: { key: string; algorithms: string[]; source: Source; value: string }; setDraft(d: typeof draft): void }) {
  const key = useFieldAria("key"), alg = useFieldAria("algorithms", true), value = useFieldAria(draft.source);
  const secretAria = useFieldAria("secret");
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="jwt-key">Key (the token&apos;s iss)</Label>
        <Input id="jwt-key" value={draft.key} onChange={(e) => setDraft({ ...draft, key: e.target.value })} placeholder="https://issuer.example.com" data-testid="jwt-key" {...key} />
        <FieldErrorText path="key" />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="jwt-source">Verified with</Label>
        <Select id="jwt-source" value={draft.source} onChange={(e) => setDraft({ ...draft, source: e.target.value as Source, algorithms: e.target.value === "secret" ? ["HS256"] : ["RS256"] })} data-testid="jwt-source">
          <option value="secret">Shared secret (HS*)</option>
          <option value="public_key">Public key (PEM)</option>
          <option value="jwks_url">JWKS URL</option>
        </Select>
      </div>
      <div className="flex flex-col gap-1.5 sm:col-span-2">
        <span className="text-sm font-medium" id="jwt-alg-label">Algorithms</span>
        <div className="flex flex-wrap gap-1.5" role="group" aria-labelledby="jwt-alg-label" {...alg}>
          {ALGORITHMS.map((a) => {
            const on = draft.algorithms.includes(a);
            return (
              <button key={a} type="button" aria-pressed={on} onClick={() => setDraft({ ...draft, algorithms: on ? draft.algorithms.filter((x) => x !== a) : [...draft.algorithms, a] })} className={cn("rounded-md border px-2 py-1 font-mono text-xs", on ? "border-primary bg-primary/10 text-primary" : "text-muted-foreground hover:bg-accent")}>
                {a}
              </button>
            );
          })}
        </div>
        <FieldErrorText path="algorithms" prefix />
      </div>
      <div className="flex flex-col gap-1.5 sm:col-span-2">
        <Label htmlFor="jwt-value">{draft.source === "secret" ? "Secret" : draft.source === "public_key" ? "Public key (PEM)" : "JWKS URL"}</Label>
        {draft.source === "public_key"
          ? <textarea id="jwt-value" rows={4} className={cn(fieldClasses, "h-auto py-2 font-mono text-xs")} value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.target.value })} placeholder="-----BEGIN PUBLIC KEY-----" data-testid="jwt-value" {...value} />
          : <Input id="jwt-value" type={draft.source === "secret" ? "password" : "url"} value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.target.value })} data-testid="jwt-value" {...(draft.source === "secret" ? secretAria : value)} />}
        <FieldErrorText path={draft.source} />
        {draft.source !== "secret" && <FieldErrorText path="secret" />}
      </div>
    </div>
  );
}

/** Adds a JWT issuer; checked with JwtCredentialSchema before it is sent. */
export function JwtForm({ pending, serverErrors, onSubmit }: { pending: boolean; serverErrors: FieldError[]; onSubmit(credential: unknown): void }) {
  const [draft, setDraft] = useState<{ key: string; algorithms: string[]; source: Source; value: string }>({ key: "", algorithms: ["HS256"], source: "secret", value: "" });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const map = useMemo(() => toErrorMap([...errors, ...serverErrors]), [errors, serverErrors]);
  const submit = () => {
    const credential = { key: draft.key, algorithms: draft.algorithms, [draft.source]: draft.value === "" ? undefined : draft.value };
    const parsed = JwtCredentialSchema.safeParse(credential);
    if (!parsed.success) return setErrors(toFieldErrors(parsed.error));
    setErrors([]);
    onSubmit(credential);
  };
  return (
    <FieldErrorsProvider errors={map}>
      <div className="flex flex-col gap-3 rounded-lg border border-dashed p-3" data-testid="jwt-form">
        <Fields draft={draft} setDraft={setDraft} />
        <Button variant="outline" className="self-start" disabled={pending} onClick={submit} data-testid="jwt-add">Add JWT issuer</Button>
      </div>
    </FieldErrorsProvider>
  );
}
