import type { FieldError } from "@switchyard/config";
import { AlertIcon } from "@/components/icons.tsx";

/** The save error, plus field errors whose path the form has no input for (so none is hidden). */
export function ErrorBanner({ message, errors = [], placed }: { message: string | null; errors?: FieldError[]; placed?: (path: string) => boolean }) {
  const unplaced = placed ? errors.filter((e) => !placed(e.path)) : [];
  if (!message && errors.length === 0) return null;
  return (
    <div role="alert" className="flex gap-3 rounded-lg border border-destructive/30 bg-destructive/10 px-4 py-3 text-sm text-destructive" data-testid="save-error">
      <AlertIcon className="mt-0.5 shrink-0" />
      <div className="flex flex-col gap-1">
        <p className="font-medium">{message ?? `There ${errors.length === 1 ? "is 1 problem" : `are ${errors.length} problems`}; see the highlighted fields.`}</p>
        {unplaced.map((e) => (
          <p key={e.path}>
            {e.path ? <code className="font-mono text-xs">{e.path}</code> : null} {e.message}
          </p>
        ))}
      </div>
    </div>
  );
}
