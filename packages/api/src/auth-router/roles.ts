import { z } from "zod";

export const RoleSchema = z.enum(["admin", "editor", "viewer"]);
export type Role = z.infer<typeof RoleSchema>;

export function toRole(value: string): Role {
  const parsed = RoleSchema.safeParse(value);
  // An unknown role in the table gets the least privilege rather than an error.
  return parsed.success ? parsed.data : "viewer";
}
