import { describe, expect, it } from "vitest";
import { createBus } from "../bus.ts";
import { onDataPlanesChange } from "./on-data-planes-change.ts";

describe("onDataPlanesChange", () => {
  it("yields on data-plane changes and publishes, collapses bursts, and stops on abort", async () => {
    const bus = createBus();
    const controller = new AbortController();
    const events = onDataPlanesChange({ bus, signal: controller.signal });
    const first = events.next();
    bus.emit("data-planes-changed");
    expect((await first).value).toHaveProperty("at");
    // Three events before the next read: one yield.
    bus.emit("data-planes-changed");
    bus.emit("data-planes-changed");
    bus.emit("config-published", { version: 1, hash: "0".repeat(64), createdAt: "", config: { services: [], routes: [] } }, null);
    bus.emit("rollout-changed", { version: 1 });
    expect((await events.next()).done).toBe(false);
    const pending = events.next();
    controller.abort();
    expect((await pending).done).toBe(true);
    expect(bus.listenerCount("data-planes-changed")).toBe(0);
    expect(bus.listenerCount("config-published")).toBe(0);
    expect(bus.listenerCount("rollout-changed")).toBe(0);
  });
});
