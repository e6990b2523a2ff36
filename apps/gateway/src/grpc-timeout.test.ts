import { describe, expect, it } from "vitest";
import { grpcTimeoutMs } from "./grpc-timeout.ts";

describe("grpc-timeout", () => {
  it("reads every unit, rounding up to whole milliseconds (at least 1)", () => {
    expect(["2H", "3M", "5S", "250m", "1500u", "1n", "0m"].map(grpcTimeoutMs)).toEqual([7_200_000, 180_000, 5_000, 250, 2, 1, 1]);
  });

  it("caps what a timer can hold, and refuses what isn't 1-8 digits and a unit", () => {
    expect(grpcTimeoutMs("99999999H")).toBe(2_147_483_647);
    expect(["", "S", "123456789S", "10s", "1.5S", "-1S", " 1S", "10"].map(grpcTimeoutMs)).toEqual([null, null, null, null, null, null, null, null]);
  });
});
