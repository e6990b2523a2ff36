import type { Metadata } from "next";
import { UsagePage } from "@/components/portal/usage-page.tsx";

export const metadata: Metadata = { title: "Usage" };

export default function UsageRoute() {
  return <UsagePage />;
}
