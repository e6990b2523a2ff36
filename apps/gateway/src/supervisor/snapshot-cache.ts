import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile, open, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SnapshotSchema, type Snapshot } from "@switchyard/config";
import { validateSnapshot } from "./validate-snapshot.ts";

const FILE = "snapshot.json";

/**
 * The last applied snapshot on disk, so a gateway restarted while the control plane is down
 * serves its last config at once. Written atomically (temp file, fsync, rename); the file
 * carries a checksum of its content and the snapshot's own hash is checked again on load.
 */
export class SnapshotCache {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async load(): Promise<{ snapshot: Snapshot } | { snapshot: null; reason: string }> {
    let text: string;
    try {
      text = await readFile(join(this.dir, FILE), "utf8");
    } catch (e) {
      return { snapshot: null, reason: (e as NodeJS.ErrnoException).code === "ENOENT" ? "no cached config" : (e as Error).message };
    }
    try {
      const file = JSON.parse(text) as { sha256?: unknown; snapshot?: unknown };
      const body = JSON.stringify(file.snapshot);
      if (file.sha256 !== sha256(body)) return { snapshot: null, reason: "cached config is corrupt (checksum mismatch)" };
      const parsed = SnapshotSchema.safeParse(file.snapshot);
      if (!parsed.success) return { snapshot: null, reason: "cached config does not match the schema" };
      const problem = validateSnapshot(parsed.data);
      if (problem) return { snapshot: null, reason: `cached config rejected: ${problem}` };
      return { snapshot: parsed.data };
    } catch (e) {
      return { snapshot: null, reason: `cached config unreadable: ${(e as Error).message}` };
    }
  }

  async save(snapshot: Snapshot): Promise<void> {
    await (await this.stage(snapshot)).commit();
  }

  /**
   * Writes and syncs the snapshot to a temp file now; `commit` renames it into place (atomic),
   * `discard` deletes it. Lets the write overlap the workers' compile while only an applied
   * snapshot ever becomes the cache.
   */
  async stage(snapshot: Snapshot): Promise<{ commit(): Promise<void>; discard(): Promise<void> }> {
    await mkdir(this.dir, { recursive: true });
    const body = JSON.stringify(snapshot);
    const text = `{"sha256":"${sha256(body)}","snapshot":${body}}\n`;
    const final = join(this.dir, FILE);
    const temp = `${final}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const discard = () => unlink(temp).catch(() => {});
    try {
      await writeFile(temp, text, { mode: 0o600 });
      const handle = await open(temp, "r");
      try { await handle.sync(); } finally { await handle.close(); }
    } catch (e) {
      await discard();
      throw e;
    }
    return {
      commit: async () => {
        try {
          await rename(temp, final);
        } catch (e) {
          await discard();
          throw e;
        }
      },
      discard,
    };
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
