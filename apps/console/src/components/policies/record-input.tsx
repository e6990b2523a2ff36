"use client";

import { useState } from "react";
import { cn } from "@/lib/cn.ts";
import { fieldClasses } from "@/components/ui/input.tsx";

/** Text "key=value" (one per line or comma-separated) ⇄ an object. */
export function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[\n,]/)) {
    const t = part.trim();
    if (t === "") continue;
    const eq = t.indexOf("=");
    if (eq === -1) out[t] = "";
    else out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  }
  return out;
}

export const formatPairs = (r: Record<string, string>, sep = "\n"): string => Object.entries(r).map(([k, v]) => `${k}=${v}`).join(sep);

/** Edits a string→string record; keeps the user's text while typing and reports the parsed object. */
export function RecordInput({ id, value, onChange, multiline = true, placeholder, invalid, describedBy, testId }: {
  id: string;
  value: Record<string, string>;
  onChange(next: Record<string, string>): void;
  multiline?: boolean;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string | undefined;
  testId?: string;
}) {
  const sep = multiline ? "\n" : ", ";
  const [text, setText] = useState(() => formatPairs(value, sep));
  const props = {
    id,
    value: text,
    placeholder,
    "aria-invalid": invalid || undefined,
    "aria-describedby": describedBy,
    spellCheck: false,
    autoComplete: "off",
    "data-testid": testId,
    onChange: (e: { target: { value: string } }) => {
      setText(e.target.value);
      onChange(parsePairs(e.target.value));
    },
  };
  return multiline
    ? <textarea rows={Math.max(2, text.split("\n").length)} className={cn(fieldClasses, "h-auto py-2 font-mono text-xs")} {...props} />
    : <input className={cn(fieldClasses, "font-mono text-xs")} {...props} />;
}
