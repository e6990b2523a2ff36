"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { FieldError } from "@switchyard/config";

/** Errors keyed by path ("rules.0.destinations.1.weight"), from the client schema check or the server. */
export type ErrorMap = ReadonlyMap<string, string[]>;

export function toErrorMap(errors: FieldError[]): ErrorMap {
  const map = new Map<string, string[]>();
  for (const e of errors) map.set(e.path, [...(map.get(e.path) ?? []), e.message]);
  return map;
}

const ErrorsContext = createContext<ErrorMap>(new Map());

export function FieldErrorsProvider({ errors, children }: { errors: ErrorMap; children: ReactNode }) {
  return <ErrorsContext.Provider value={errors}>{children}</ErrorsContext.Provider>;
}

export function errorId(path: string): string {
  return `err-${path.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
}

/** aria-invalid / aria-describedby for the input at `path`. */
export function useFieldAria(path: string, prefix = false): { "aria-invalid"?: true; "aria-describedby"?: string } {
  const errors = useContext(ErrorsContext);
  const paths = prefix ? [...errors.keys()].filter((p) => p === path || p.startsWith(`${path}.`)) : errors.has(path) ? [path] : [];
  return paths.length > 0 ? { "aria-invalid": true, "aria-describedby": paths.map(errorId).join(" ") } : {};
}

/** Renders the messages for `path` (exact), or for every path under `prefix` when given. */
export function FieldErrorText({ path, prefix }: { path: string; prefix?: boolean }) {
  const errors = useContext(ErrorsContext);
  const entries = prefix
    ? [...errors.entries()].filter(([p]) => p === path || p.startsWith(`${path}.`))
    : errors.has(path)
      ? [[path, errors.get(path) ?? []] as const]
      : [];
  if (entries.length === 0) return null;
  return (
    <>
      {entries.map(([p, messages]) => (
        <p key={p} id={errorId(p)} className="text-xs font-medium text-destructive" data-testid={`field-error-${p}`}>
          {messages.join(" ")}
        </p>
      ))}
    </>
  );
}
