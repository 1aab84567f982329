import { afterEach, describe, expect, it } from "vitest";
import { EXIT_INTERRUPTED, requeueSlurmTask, SignalCheckpoint } from "../../src/sweep/signalCheckpoint.js";
import { sleep } from "./sweepTestHelpers.js";

describe("SignalCheckpoint", () => {
  let sc: SignalCheckpoint | undefined;
  afterEach(() => sc?.dispose());

  it("after SIGUSR1/SIGTERM, the train callbacks stop training at the end of the epoch (which checkpoints)", () => {
    sc = new SignalCheckpoint({ graceSeconds: 60 }).install();
    const stops: string[] = [];
    const control = { stop: (m?: string) => void stops.push(m ?? "") };
    const record = { epoch: 1, loss: 1, terms: {}, metrics: {}, seconds: 0, steps: 1 };
    void sc.trainCallbacks.onEpochEnd?.(record, control);
    expect(stops).toHaveLength(0);
    expect(sc.resultUsable).toBe(true);
    process.emit("SIGUSR1");
    expect(sc.signal).toBe("SIGUSR1");
    void sc.trainCallbacks.onEpochEnd?.(record, control);
    expect(stops[0]).toMatch(/SIGUSR1/);
    expect(sc.resultUsable).toBe(false);
  });

  it("exits (onGraceExpired) when no epoch end comes within the grace time", async () => {
    let expired = 0;
    let signalled = "";
    sc = new SignalCheckpoint({ graceSeconds: 0.05, onGraceExpired: () => void expired++, onSignal: (s) => void (signalled = s) }).install();
    process.emit("SIGTERM");
    expect(signalled).toBe("SIGTERM");
    await sleep(200);
    expect(expired).toBe(1);
    expect(EXIT_INTERRUPTED).toBe(75);
  });

  it("requeues only under Slurm", () => {
    expect(requeueSlurmTask({})).toBe(false);
  });
});
