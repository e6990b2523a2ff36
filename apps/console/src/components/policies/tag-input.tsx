"use client";

import { useState } from "react";
import { CloseIcon } from "@/components/icons.tsx";
import { fieldClasses } from "@/components/ui/input.tsx";
import { cn } from "@/lib/cn.ts";

/** A list of short strings: Enter or comma adds what was typed, Backspace on an empty input removes the last. */
export function TagInput({ id, value, onChange, placeholder, invalid, describedBy, testId }: {
  id: string;
  value: string[];
  onChange(next: string[]): void;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string | undefined;
  testId?: string;
}) {
  const [text, setText] = useState("");
  const commit = () => {
    const parts = text.split(",").map((t) => t.trim()).filter((t) => t !== "" && !value.includes(t));
    if (parts.length > 0) onChange([...value, ...parts]);
    setText("");
  };
  return (
    <div className={cn(fieldClasses, "h-auto min-h-9 flex-wrap items-center gap-1 py-1")} aria-invalid={invalid || undefined} data-testid={testId}>
      {value.map((tag, i) => (
        <span key={`${tag}-${i}`} className="inline-flex items-center gap-1 rounded bg-secondary px-1.5 py-0.5 font-mono text-xs">
          {tag}
          <button type="button" aria-label={`Remove ${tag}`} className="rounded-sm text-muted-foreground hover:text-foreground" onClick={() => onChange(value.filter((_, j) => j !== i))}>
            <CloseIcon width={12} height={12} />
          </button>
        </span>
      ))}
      <input
        id={id}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" || e.key === ",") {
            e.preventDefault();
            commit();
          } else if (e.key === "Backspace" && text === "" && value.length > 0) onChange(value.slice(0, -1));
        }}
        onBlur={commit}
        placeholder={value.length === 0 ? placeholder : undefined}
        aria-describedby={describedBy}
        className="min-w-24 flex-1 bg-transparent text-sm outline-none placeholder:text-muted-foreground"
        autoComplete="off"
        spellCheck={false}
      />
    </div>
  );
}
