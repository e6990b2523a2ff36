import type { Metadata } from "next";
import type { ReactNode } from "react";
import { PortalShell } from "@/components/portal/portal-shell.tsx";
import "./portal.css";

export const metadata: Metadata = { title: { default: "Developer portal", template: "%s · Switchyard Developers" } };

export default function PortalLayout({ children }: { children: ReactNode }) {
  return <PortalShell>{children}</PortalShell>;
}
