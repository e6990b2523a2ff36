import type { Metadata } from "next";
import { VerifyEmail } from "@/components/portal/auth-forms.tsx";

export const metadata: Metadata = { title: "Verify e-mail" };

export default async function VerifyPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return <VerifyEmail token={token ?? ""} />;
}
