import { z } from "zod";

/** Names of services, subsets and routes: DNS-label-like so they fit in URLs, YAML keys and metric labels. */
export const NameSchema = z
  .string()
  .min(1, "Name is required")
  .max(63, "At most 63 characters")
  .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/, "Lowercase letters, digits, '.', '_' and '-'; starts and ends with a letter or digit");

/** A host pattern: exact host or a leading wildcard label ("*.example.com"). */
export const HostPatternSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, "A host name, optionally starting with '*.'")
  .transform((h) => h.toLowerCase());

export const LabelsSchema = z.record(
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/, "Invalid label key"),
  z.string().max(63),
);
