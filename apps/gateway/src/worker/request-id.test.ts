import { describe, expect, it } from "vitest";
import { newRequestId } from "./request-id.ts";

describe("newRequestId", () => {
  it("makes distinct version-4 UUIDs across batches", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = newRequestId();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(1000);
  });
});
