"use client";

import { useState, type FormEvent } from "react";
import { useSearchParams } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { AlertIcon, SpinnerIcon } from "@/components/icons.tsx";
import { errorCode } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

function loginErrorText(error: unknown): string {
  const code = errorCode(error);
  if (code === "UNAUTHORIZED" || code === "BAD_REQUEST") return "Invalid username or password";
  if (code === "TOO_MANY_REQUESTS") return "Too many sign-in attempts. Wait a minute and try again.";
  if (code === "BAD_GATEWAY") return "The control plane is unreachable. Try again shortly.";
  return "Sign-in failed. Try again.";
}

/** Only same-site paths are followed after login, so the page can't be used as an open redirect. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/dashboard";
}

export function LoginForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const params = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.auth.pathFilter());
        // A full navigation: every query starts fresh with the new session cookie.
        window.location.assign(safeNext(params.get("next")));
      },
    }),
  );

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ username: username.trim(), password });
  };

  const error = login.error ? loginErrorText(login.error) : null;
  return (
    <Card>
      <CardContent className="pt-5 sm:pt-6">
        <form onSubmit={onSubmit} className="flex flex-col gap-4" aria-describedby={error ? "login-error" : undefined}>
          {error && (
            <div
              id="login-error"
              role="alert"
              data-testid="login-error"
              className="flex items-start gap-2 rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
            >
              <AlertIcon className="mt-0.5 shrink-0" />
              <span>{error}</span>
            </div>
          )}
          <div className="flex flex-col gap-2">
            <Label htmlFor="username">Username</Label>
            <Input
              id="username"
              name="username"
              autoComplete="username"
              autoFocus
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              data-testid="login-username"
            />
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor="password">Password</Label>
            <Input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="login-password"
            />
          </div>
          <Button type="submit" className="mt-1 w-full" disabled={login.isPending || login.isSuccess} data-testid="login-submit">
            {login.isPending && <SpinnerIcon />}
            Sign in
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
