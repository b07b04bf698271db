// The outbox's worker pool: never more than `limit` calls in flight, the next
// one starts as soon as any finishes (not when a whole chunk has), results in order.
import { describe, expect, it } from "vitest";
import { eachBounded } from "@/lib/outbox/bounded-pool";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("eachBounded", () => {
  it("keeps at most `limit` calls in flight and refills a slot as soon as one call ends", async () => {
    const gates = Array.from({ length: 7 }, deferred);
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    const run = eachBounded([0, 1, 2, 3, 4, 5, 6], 3, async (i) => {
      started.push(i);
      most = Math.max(most, ++inFlight);
      await gates[i]!.promise;
      inFlight--;
      return i * 10;
    });
    const settle = () => new Promise((r) => setImmediate(r));
    await settle();
    expect(started).toEqual([0, 1, 2]);
    // The last of the three ends first: its slot is refilled while 0 and 1 still run.
    gates[2]!.resolve();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const gate of gates) gate.resolve();
    expect(await run).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(most).toBe(3);
    expect(started).toHaveLength(7);
  });

  it("runs an empty list to an empty result and a limit above the list's length once per item", async () => {
    expect(await eachBounded([], 8, async () => 1)).toEqual([]);
    const seen: string[] = [];
    expect(await eachBounded(["a", "b"], 8, async (s) => (seen.push(s), s.toUpperCase()))).toEqual(["A", "B"]);
    expect(seen).toEqual(["a", "b"]);
  });
});
