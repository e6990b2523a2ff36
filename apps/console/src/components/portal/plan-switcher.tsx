"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Select } from "@/components/ui/select.tsx";

/**
 * Picks another plan of the subscription's product. Nothing changes until "Change plan" is
 * pressed: from then on requests are priced with the new plan and the gateway applies its limits.
 */
export function PlanSwitcher({ planId, plans, disabled, onChange, testIdPrefix = "" }: {
  planId: string;
  plans: { id: string; name: string }[];
  disabled?: boolean;
  onChange: (planId: string) => void;
  testIdPrefix?: string;
}) {
  const [choice, setChoice] = useState(planId);
  const selected = plans.some((p) => p.id === choice) ? choice : planId;
  if (plans.length < 2) return null;
  return (
    <span className="inline-flex items-center gap-1">
      <span className="w-32">
        <Select aria-label="Plan" value={selected} onChange={(e) => setChoice(e.target.value)} className="h-8" data-testid={`${testIdPrefix}plan-select`}>
          {plans.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </Select>
      </span>
      <Button variant="outline" size="sm" disabled={disabled || selected === planId} onClick={() => onChange(selected)} data-testid={`${testIdPrefix}change-plan`}>Change plan</Button>
    </span>
  );
}
