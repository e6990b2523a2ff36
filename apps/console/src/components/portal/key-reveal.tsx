"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button.tsx";

/** A freshly issued API key: shown this once, with a copy button. */
export function KeyReveal({ apiKey, onDone }: { apiKey: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="alert" className="grid gap-2 rounded-lg border border-success/40 bg-success/10 p-4" data-testid="new-key">
      <p className="text-sm font-medium">Your new API key. Copy it now: it is stored hashed and won&apos;t be shown again.</p>
      <div className="flex flex-wrap items-center gap-2">
        <code className="min-w-0 flex-1 break-all rounded-md border bg-card px-3 py-2 font-mono text-sm" data-testid="new-key-value">{apiKey}</code>
        <Button variant="outline" size="sm" onClick={() => void navigator.clipboard?.writeText(apiKey).then(() => setCopied(true), () => setCopied(false))} data-testid="copy-key">{copied ? "Copied" : "Copy"}</Button>
        <Button variant="ghost" size="sm" onClick={onDone}>Done</Button>
      </div>
    </div>
  );
}
