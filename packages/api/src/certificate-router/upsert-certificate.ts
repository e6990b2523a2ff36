import { placeNamed, withoutNamed } from "../named-entity.ts";
import { CertificateSchema } from "@switchyard/config";
import { AppError } from "../app-error.ts";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "../config-router/publish-config.ts";
import { parseInput, pathWithin } from "../parse-input.ts";

type Options = Publisher;

/** What the form sends: the key may be left out when editing, to keep the stored one. */
const CertificateInputSchema = CertificateSchema.extend({ key: CertificateSchema.shape.key.optional() });

/**
 * Creates or replaces a certificate. Field errors are relative to the certificate (`key: The
 * private key does not belong to the certificate`): the schema checks the PEM shape, the dry-run
 * compile parses both and checks that the key belongs to the certificate. Without a key, the
 * stored one is kept (the console never receives keys, so it can't send them back).
 */
export function upsertCertificate(options: Options & { certificate: unknown; originalName?: string | undefined }): Promise<PublishResult> {
  const input = parseInput(CertificateInputSchema, options.certificate);
  const lookup = options.originalName ?? input.name;
  const isNew = options.originalName === undefined;
  let index = -1;
  return publishConfig({
    ...publisherOf(options),
    message: `${isNew ? "Add" : "Update"} certificate ${input.name}`,
    action: "certificates.upsert",
    target: `certificate:${input.name}`,
    build(current) {
      const stored = current.certificates ?? [];
      const key = input.key ?? stored.find((c) => c.name === lookup)?.key;
      if (key === undefined) throw new AppError("INVALID_CONFIG", "key: Paste or upload the private key", { fieldErrors: [{ path: "key", message: "Paste or upload the private key" }] });
      const placed = placeNamed(stored, { name: input.name, hosts: input.hosts, cert: input.cert, key }, options.originalName, "certificate");
      index = placed.index;
      return { ...current, certificates: placed.list };
    },
    mapErrorPath: (path) => pathWithin("certificates", index, path),
  });
}

export function deleteCertificate(options: Options & { name: string }): Promise<PublishResult> {
  return publishConfig({
    ...publisherOf(options),
    message: `Delete certificate ${options.name}`,
    action: "certificates.delete",
    target: `certificate:${options.name}`,
    build(current) {
      const rest = withoutNamed(current.certificates ?? [], options.name, "certificate");
      // Without certificates the field goes away, so the config hashes as if it never had any.
      const { certificates: _all, ...config } = current;
      return rest.length > 0 ? { ...config, certificates: rest } : config;
    },
  });
}
