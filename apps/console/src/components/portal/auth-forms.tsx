"use client";

import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import Link from "next/link";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { errorMessage, serverFieldErrors } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

function AuthCard({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <div className="mx-auto w-full max-w-sm rounded-xl border bg-card p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
      {description && <p className="mt-1 text-sm text-muted-foreground">{description}</p>}
      <div className="mt-6">{children}</div>
    </div>
  );
}

function Field({ id, label, error, ...props }: { id: string; label: string; error?: string | undefined } & React.ComponentProps<"input">) {
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} name={id} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...props} />
      {error && <p id={`${id}-error`} className="text-xs text-destructive">{error}</p>}
    </div>
  );
}

function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return <p role="alert" className="rounded-md bg-destructive/10 px-3 py-2 text-sm text-destructive">{errorMessage(error)}</p>;
}

export function SignUpForm() {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signUp = useMutation(trpc.portal.auth.signUp.mutationOptions());
  const fe = serverFieldErrors(signUp.error);
  if (signUp.isSuccess) {
    return (
      <AuthCard title="Check your e-mail" description={<>We sent a verification link to <strong>{email}</strong>. Follow it to activate your account.</>}>
        <p className="text-sm text-muted-foreground" data-testid="sign-up-done">Already verified? <Link className="text-primary underline" href="/portal/sign-in">Sign in</Link></p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Create a developer account" description="Get API keys for the APIs in this portal.">
      <form className="grid gap-4" onSubmit={(e) => { e.preventDefault(); signUp.mutate({ email, password }); }} aria-label="Sign up">
        <Field id="email" label="E-mail" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fe.find((f) => f.path === "email")?.message} />
        <Field id="password" label="Password" type="password" autoComplete="new-password" required minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} error={fe.find((f) => f.path === "password")?.message} />
        <FormError error={fe.length ? null : signUp.error} />
        <Button type="submit" disabled={signUp.isPending}>{signUp.isPending ? "Creating…" : "Sign up"}</Button>
        <p className="text-center text-sm text-muted-foreground">Have an account? <Link className="text-primary underline" href="/portal/sign-in">Sign in</Link></p>
      </form>
    </AuthCard>
  );
}

export function SignInForm({ next }: { next?: string | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useMutation(
    trpc.portal.auth.signIn.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.portal.pathFilter());
        // Only same-site portal paths: never an open redirect.
        window.location.assign(next && /^\/portal(\/|$)/.test(next) ? next : "/portal/apps");
      },
    }),
  );
  return (
    <AuthCard title="Sign in" description="Developer portal">
      <form className="grid gap-4" onSubmit={(e: FormEvent) => { e.preventDefault(); signIn.mutate({ email, password }); }} aria-label="Sign in">
        <Field id="email" label="E-mail" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field id="password" label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <FormError error={signIn.error} />
        <Button type="submit" disabled={signIn.isPending}>{signIn.isPending ? "Signing in…" : "Sign in"}</Button>
        <div className="flex justify-between text-sm">
          <Link className="text-primary underline" href="/portal/forgot-password">Forgot password?</Link>
          <Link className="text-primary underline" href="/portal/sign-up">Create account</Link>
        </div>
      </form>
    </AuthCard>
  );
}

export function VerifyEmail({ token }: { token: string }) {
  const trpc = useTRPC();
  const verify = useMutation(trpc.portal.auth.verifyEmail.mutationOptions());
  const started = useRef(false);
  useEffect(() => {
    // Once: a token is single-use, and React may run effects twice in development.
    if (started.current || !token) return;
    started.current = true;
    verify.mutate({ token });
  }, [token, verify]);
  if (!token) return <AuthCard title="Verification link incomplete" description="Open the full link from the e-mail." >{null}</AuthCard>;
  if (verify.isSuccess) {
    return (
      <AuthCard title="E-mail verified" description={<>Welcome, {verify.data.email}.</>}>
        <Link href="/portal/sign-in" className="text-primary underline" data-testid="verified">Sign in to get your API keys</Link>
      </AuthCard>
    );
  }
  return <AuthCard title="Verifying your e-mail…">{verify.isError ? <FormError error={verify.error} /> : <p className="text-sm text-muted-foreground">One moment.</p>}</AuthCard>;
}

export function ForgotPasswordForm() {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const request = useMutation(trpc.portal.auth.requestPasswordReset.mutationOptions());
  if (request.isSuccess) return <AuthCard title="Check your e-mail" description="If an account exists for this address, a reset link is on its way.">{null}</AuthCard>;
  return (
    <AuthCard title="Reset your password">
      <form className="grid gap-4" onSubmit={(e) => { e.preventDefault(); request.mutate({ email }); }} aria-label="Reset password">
        <Field id="email" label="E-mail" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <FormError error={request.error} />
        <Button type="submit" disabled={request.isPending}>Send reset link</Button>
      </form>
    </AuthCard>
  );
}

export function ResetPasswordForm({ token }: { token: string }) {
  const trpc = useTRPC();
  const [password, setPassword] = useState("");
  const reset = useMutation(trpc.portal.auth.resetPassword.mutationOptions());
  const fe = serverFieldErrors(reset.error);
  if (reset.isSuccess) return <AuthCard title="Password changed" description="Sign in with your new password."><Link href="/portal/sign-in" className="text-primary underline">Sign in</Link></AuthCard>;
  return (
    <AuthCard title="Choose a new password">
      <form className="grid gap-4" onSubmit={(e) => { e.preventDefault(); reset.mutate({ token, password }); }} aria-label="New password">
        <Field id="password" label="New password" type="password" autoComplete="new-password" required minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} error={fe.find((f) => f.path === "password")?.message} />
        <FormError error={fe.length ? null : reset.error} />
        <Button type="submit" disabled={reset.isPending || !token}>Set password</Button>
      </form>
    </AuthCard>
  );
}
