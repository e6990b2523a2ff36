"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ConfirmDialog } from "@/components/dialogs/confirm-dialog.tsx";
import { PlusIcon, SpinnerIcon, TrashIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { QueryError } from "@/components/query-error.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Input } from "@/components/ui/input.tsx";
import { Label } from "@/components/ui/label.tsx";
import { Select } from "@/components/ui/select.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table.tsx";
import { errorCode, errorMessage, serverFieldErrors } from "@/lib/trpc-error.ts";
import { relativeTime, useNow } from "@/lib/use-now.ts";
import { useTRPC } from "@/trpc/react.tsx";

const ROLES = ["viewer", "editor", "admin"] as const;
type Role = (typeof ROLES)[number];

const ROLE_HINT: Record<Role, string> = {
  viewer: "reads everything, changes nothing",
  editor: "publishes config, rolls back, promotes",
  admin: "everything, plus users, tokens and the audit log",
};

function CreateUserForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async () => {
        setUsername("");
        setPassword("");
        setRole("viewer");
        await queryClient.invalidateQueries(trpc.users.pathFilter());
      },
    }),
  );
  const fieldErrors = create.error ? serverFieldErrors(create.error) : [];
  const errorFor = (field: string) => fieldErrors.find((e) => e.path === field)?.message;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Add a user</CardTitle>
        <CardDescription>They sign in with this username and password; passwords are stored as scrypt hashes.</CardDescription>
      </CardHeader>
      <CardContent>
        <form
          className="grid gap-4 sm:grid-cols-[1fr_1fr_10rem_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ username: username.trim(), password, role });
          }}
          aria-label="Add a user"
        >
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="new-username">Username</Label>
            <Input id="new-username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" required aria-invalid={errorFor("username") ? true : undefined} data-testid="user-username" />
            {errorFor("username") && <p className="text-xs text-destructive">{errorFor("username")}</p>}
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="new-password">Password</Label>
            <Input id="new-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={8} required aria-invalid={errorFor("password") ? true : undefined} data-testid="user-password" />
            {errorFor("password") && <p className="text-xs text-destructive">{errorFor("password")}</p>}
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="new-role">Role</Label>
            <Select id="new-role" value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="user-role">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </Select>
          </div>
          <Button type="submit" disabled={create.isPending} data-testid="user-create">
            {create.isPending ? <SpinnerIcon /> : <PlusIcon />} Add user
          </Button>
        </form>
        <p className="mt-3 text-xs text-muted-foreground">
          <span className="capitalize">{role}</span>: {ROLE_HINT[role]}.
        </p>
        {create.error && fieldErrors.length === 0 && (
          <p role="alert" className="mt-3 text-sm text-destructive">
            {errorMessage(create.error)}
          </p>
        )}
      </CardContent>
    </Card>
  );
}

/** Admin-only user management: list, add, change role, delete (never the last admin). */
export function UsersAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const users = useQuery(trpc.users.list.queryOptions());
  const [deleting, setDeleting] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries(trpc.users.pathFilter());
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: refresh, onError: (e) => setRowError(errorMessage(e)) }));
  const remove = useMutation(
    trpc.users.delete.mutationOptions({
      onSuccess: async () => {
        setDeleting(null);
        await refresh();
      },
    }),
  );

  return (
    <>
      <PageHeader title="Users" description="Who can sign in to the console and the CLI, and what each role may do." />
      <div className="flex flex-col gap-5">
        <CreateUserForm />
        {rowError && (
          <p role="alert" className="rounded-lg border border-destructive/30 bg-destructive/10 px-4 py-3 text-sm text-destructive" data-testid="users-error">
            {rowError}
          </p>
        )}
        <Card>
          {users.isError ? (
            <div className="p-4">
              <QueryError error={errorCode(users.error) === "FORBIDDEN" ? { message: "Only admins manage users." } : users.error} />
            </div>
          ) : users.isPending ? (
            <div className="space-y-3 p-5" aria-busy="true" aria-label="Loading users">
              {[0, 1].map((i) => (
                <div key={i} className="h-12 animate-pulse rounded-md bg-muted" />
              ))}
            </div>
          ) : (
            <Table aria-label="Users">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>User</TableHead>
                  <TableHead>Role</TableHead>
                  <TableHead className="hidden sm:table-cell">API tokens</TableHead>
                  <TableHead className="hidden sm:table-cell">Created</TableHead>
                  <TableHead className="text-right">
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {users.data.map((u) => {
                  const self = u.username === me.data?.username;
                  return (
                    <TableRow key={u.id} data-testid={`user-row-${u.username}`}>
                      <TableCell>
                        <span className="font-medium">{u.username}</span>
                        {self && (
                          <Badge variant="secondary" className="ml-2">
                            you
                          </Badge>
                        )}
                      </TableCell>
                      <TableCell>
                        <Select
                          className="w-32"
                          value={u.role}
                          aria-label={`Role of ${u.username}`}
                          disabled={update.isPending}
                          onChange={(e) => {
                            setRowError(null);
                            update.mutate({ username: u.username, role: e.target.value as Role });
                          }}
                          data-testid={`user-role-${u.username}`}
                        >
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </Select>
                      </TableCell>
                      <TableCell className="hidden tabular-nums sm:table-cell">{u.apiTokens}</TableCell>
                      <TableCell className="hidden text-sm text-muted-foreground sm:table-cell">
                        <time dateTime={u.createdAt} title={new Date(u.createdAt).toLocaleString()}>{relativeTime(u.createdAt, now)}</time>
                      </TableCell>
                      <TableCell className="text-right">
                        {!self && (
                          <Button variant="ghost" size="sm" onClick={() => setDeleting(u.username)} data-testid={`user-delete-${u.username}`}>
                            <TrashIcon /> Delete
                          </Button>
                        )}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </Card>
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete user ${deleting ?? ""}?`}
        confirmLabel="Delete user"
        confirmVariant="destructive"
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate({ username: deleting })}
      >
        <p>Their sessions and API tokens stop working at once. The audit log keeps what they did.</p>
      </ConfirmDialog>
    </>
  );
}
