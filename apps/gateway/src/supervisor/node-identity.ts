import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

/**
 * A stable node id: hostname plus a random suffix kept in the cache dir, so a restarted
 * gateway shows up as the same data plane. Without a cache dir the suffix lives as long as the process.
 */
export async function resolveNodeId(cacheDir: string | null): Promise<string> {
  const host = hostname();
  if (cacheDir === null) return `${host}-${randomBytes(3).toString("hex")}`;
  const file = join(cacheDir, "node-id");
  try {
    const existing = (await readFile(file, "utf8")).trim();
    if (existing) return existing;
  } catch {
    // First start: create it below.
  }
  const id = `${host}-${randomBytes(3).toString("hex")}`;
  await mkdir(cacheDir, { recursive: true });
  await writeFile(file, `${id}\n`);
  return id;
}
