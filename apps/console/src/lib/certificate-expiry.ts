/** Certificates this close to their end are flagged, so there is time to renew them. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export type ExpiryState = "valid" | "expiring" | "expired" | "not-yet-valid" | "unknown";

export interface Expiry {
  state: ExpiryState;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number | null;
  label: string;
}

export function certificateExpiry(notBefore: string | null, notAfter: string | null, now: number): Expiry {
  if (!notAfter) return { state: "unknown", daysLeft: null, label: "Unknown" };
  const left = Date.parse(notAfter) - now;
  const daysLeft = Math.floor(left / DAY_MS);
  if (left <= 0) return { state: "expired", daysLeft, label: `Expired ${-daysLeft === 0 ? "today" : `${-daysLeft} day${-daysLeft === 1 ? "" : "s"} ago`}` };
  if (notBefore && Date.parse(notBefore) > now) return { state: "not-yet-valid", daysLeft, label: "Not valid yet" };
  const inText = daysLeft === 0 ? "in less than a day" : `in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`;
  return { state: left < EXPIRY_WARNING_DAYS * DAY_MS ? "expiring" : "valid", daysLeft, label: `Expires ${inText}` };
}
