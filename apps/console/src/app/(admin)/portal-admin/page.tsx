import type { Metadata } from "next";
import { PortalAdminHome } from "@/components/portal-admin/portal-admin-home.tsx";

export const metadata: Metadata = { title: "Developer portal" };

export default function PortalAdminPage() {
  return <PortalAdminHome />;
}
