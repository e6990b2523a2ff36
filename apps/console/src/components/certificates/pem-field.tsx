"use client";

import { useRef } from "react";
import { FieldErrorText, useFieldAria } from "@/components/route-editor/field-errors.tsx";
import { Button } from "@/components/ui/button.tsx";
import { fieldClasses } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { cn } from "@/lib/cn.ts";

/** A PEM text area that also takes a file (read in the browser; nothing is uploaded on its own). */
export function PemField({ id, label, hint, value, onChange, placeholder, path, testId }: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange(v: string): void;
  placeholder: string;
  path: string;
  testId: string;
}) {
  const aria = useFieldAria(path);
  const file = useRef<HTMLInputElement>(null);
  return (
    <div className="flex flex-col gap-1.5 sm:col-span-2">
      <div className="flex items-end justify-between gap-2">
        <Label htmlFor={id}>{label}</Label>
        <Button variant="outline" size="sm" onClick={() => file.current?.click()} aria-label={`Upload ${label.toLowerCase()} file`} data-testid={`${testId}-upload`}>
          Upload file…
        </Button>
        <input
          ref={file}
          type="file"
          accept=".pem,.crt,.cer,.key,text/plain,application/x-pem-file"
          className="hidden"
          tabIndex={-1}
          onChange={async (e) => {
            const f = e.target.files?.[0];
            if (f) onChange(await f.text());
            e.target.value = "";
          }}
          data-testid={`${testId}-file`}
        />
      </div>
      <textarea
        id={id}
        rows={6}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        className={cn(fieldClasses, "h-auto py-2 font-mono text-xs break-all")}
        data-testid={testId}
        {...aria}
      />
      {hint && <p className="text-xs text-muted-foreground">{hint}</p>}
      <FieldErrorText path={path} />
    </div>
  );
}
