"use client";

import { useEffect, useRef, type ReactNode } from "react";
import { SpinnerIcon } from "@/components/icons.tsx";
import { Button, type ButtonVariant } from "@/components/ui/button.tsx";

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  confirmVariant?: ButtonVariant;
  pending?: boolean;
  error?: string | null;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal confirmation on the native <dialog>: focus trapping, Escape and the backdrop come
 * from the browser. Escape and Cancel both call onCancel.
 */
export function ConfirmDialog({ open, title, children, confirmLabel, confirmVariant = "default", pending, error, onConfirm, onCancel }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      aria-labelledby="confirm-dialog-title"
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border bg-card p-0 text-card-foreground shadow-xl backdrop:bg-black/50"
      data-testid="confirm-dialog"
    >
      <div className="flex flex-col gap-3 p-6">
        <h2 id="confirm-dialog-title" className="text-lg font-semibold tracking-tight">
          {title}
        </h2>
        {children && <div className="text-sm text-muted-foreground">{children}</div>}
        {error && (
          <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
            {error}
          </p>
        )}
        <div className="mt-2 flex justify-end gap-2">
          <Button variant="outline" onClick={onCancel} disabled={pending}>
            Cancel
          </Button>
          <Button variant={confirmVariant} onClick={onConfirm} disabled={pending} data-testid="confirm-dialog-confirm" autoFocus>
            {pending && <SpinnerIcon />}
            {confirmLabel}
          </Button>
        </div>
      </div>
    </dialog>
  );
}
