import type { Metadata } from "next";
import { ForgotPasswordForm } from "@/components/portal/auth-forms.tsx";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return <ForgotPasswordForm />;
}
