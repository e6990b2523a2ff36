import type { Metadata } from "next";
import { PoliciesPage } from "@/components/policies/policies-page.tsx";

export const metadata: Metadata = { title: "Policies" };

export default function Page() {
  return <PoliciesPage />;
}
