import type { SVGProps } from "react";

/** A play button in a circle: the route simulator entry in the admin sidebar. */
export const SimulatorIcon = (p: SVGProps<SVGSVGElement>) => (
  <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...p}>
    <circle cx="12" cy="12" r="10" /><path d="m10 8 6 4-6 4z" />
  </svg>
);
