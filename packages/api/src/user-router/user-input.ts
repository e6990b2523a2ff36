import { z } from "zod";
import { RoleSchema } from "../auth-router/roles.ts";

export const UsernameSchema = z
  .string()
  .min(1, "Username is required")
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, "Letters, digits, '.', '_', '@' and '-'");

export const PasswordSchema = z.string().min(8, "At least 8 characters").max(1000);

export const CreateUserInputSchema = z.object({ username: UsernameSchema, password: PasswordSchema, role: RoleSchema });
export const UpdateUserInputSchema = z.object({ username: UsernameSchema, role: RoleSchema });
export const DeleteUserInputSchema = z.object({ username: UsernameSchema });
