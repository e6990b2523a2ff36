"use client";

import { CheckIcon } from "@/components/icons.tsx";
import { RolloutStatus } from "@/components/route-editor/rollout-status.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";

/** The version a save published and its rollout to data planes, as the route editor shows it. */
export function SaveResultCard({ version, changed, what }: { version: number; changed: boolean; what?: string }) {
  return (
    <Card className="border-success/40" data-testid="rollout-card">
      <CardHeader>
        <CardTitle className="flex items-center gap-2 text-success" data-testid="save-result" role="status">
          <CheckIcon /> {changed ? `Published version ${version}${what ? `: ${what}` : ""}` : `No changes: version ${version} is already live`}
        </CardTitle>
        <CardDescription>Rollout to data planes</CardDescription>
      </CardHeader>
      <CardContent>
        <RolloutStatus version={version} />
      </CardContent>
    </Card>
  );
}
