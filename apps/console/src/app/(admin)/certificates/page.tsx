import type { Metadata } from "next";
import { CertificatesPage } from "@/components/certificates/certificates-page.tsx";

export const metadata: Metadata = { title: "Certificates" };

export default function Page() {
  return <CertificatesPage />;
}
