import type { Metadata } from "next";
import { AppsPage } from "@/components/portal/apps-page.tsx";

export const metadata: Metadata = { title: "My apps" };

export default function AppsRoute() {
  return <AppsPage />;
}
