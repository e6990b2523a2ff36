import { ServiceSchema, toFieldErrors, type FieldError, type Service } from "@switchyard/config";

/** The form edits the service as plain JSON (what ServiceSchema takes); the schema decides what is valid. */
export type ServiceDraft = Record<string, unknown> & {
  name: string;
  targets: { host: string; port: unknown; weight?: unknown; labels: Record<string, string> }[];
  subsets: { name: string; labels: Record<string, string>; [k: string]: unknown }[];
};

export const emptyServiceDraft = (): ServiceDraft => ({ name: "", targets: [{ host: "127.0.0.1", port: "", weight: 100, labels: {} }], subsets: [] });

export const draftFromService = (s: Service): ServiceDraft => structuredClone(s) as unknown as ServiceDraft;

export function validateServiceDraft(draft: ServiceDraft): { ok: true; service: Service } | { ok: false; errors: FieldError[] } {
  const parsed = ServiceSchema.safeParse(draft);
  return parsed.success ? { ok: true, service: parsed.data } : { ok: false, errors: toFieldErrors(parsed.error) };
}

/** Targets a label selector picks: every selector label present on the target with that value. */
export function selectedTargets(draft: ServiceDraft, labels: Record<string, string>): string[] {
  const entries = Object.entries(labels);
  if (entries.length === 0) return [];
  return draft.targets.filter((t) => entries.every(([k, v]) => t.labels?.[k] === v)).map((t) => `${t.host}:${String(t.port)}`);
}
