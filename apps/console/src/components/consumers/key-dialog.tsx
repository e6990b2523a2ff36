"use client";

import { useEffect, useRef, useState } from "react";
import { CheckIcon } from "@/components/icons.tsx";
import { Button } from "@/components/ui/button.tsx";

/** Shows a new API key once: only its hash is kept, so closing this is the last chance to copy it. */
export function KeyDialog({ apiKey, username, onClose }: { apiKey: string | null; username: string; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (apiKey && !d.open) { setCopied(false); d.showModal(); }
    if (!apiKey && d.open) d.close();
  }, [apiKey]);
  const copy = async () => {
    if (!apiKey) return;
    try {
      await navigator.clipboard.writeText(apiKey);
    } catch {
      // Insecure origins have no clipboard API: select the text so Ctrl+C works.
      const el = document.getElementById("new-api-key") as HTMLInputElement | null;
      el?.select();
    }
    setCopied(true);
  };
  return (
    <dialog ref={ref} onCancel={(e) => { e.preventDefault(); onClose(); }} aria-labelledby="key-dialog-title" className="m-auto w-[min(34rem,calc(100vw-2rem))] rounded-xl border bg-card p-0 text-card-foreground shadow-xl backdrop:bg-black/50" data-testid="key-dialog">
      <div className="flex flex-col gap-3 p-6">
        <h2 id="key-dialog-title" className="text-lg font-semibold tracking-tight">New API key for {username}</h2>
        <p className="text-sm text-muted-foreground">Copy it now. It is shown only this once: the gateway keeps just its hash.</p>
        <div className="flex gap-2">
          <input id="new-api-key" readOnly value={apiKey ?? ""} className="h-9 flex-1 rounded-md border bg-muted px-3 font-mono text-xs" onFocus={(e) => e.target.select()} data-testid="new-api-key" aria-label="API key" />
          <Button variant="outline" onClick={() => void copy()} data-testid="copy-api-key">
            {copied ? <><CheckIcon /> Copied</> : "Copy"}
          </Button>
        </div>
        <div className="mt-2 flex justify-end">
          <Button onClick={onClose} data-testid="key-dialog-done" autoFocus>I have copied it</Button>
        </div>
      </div>
    </dialog>
  );
}
