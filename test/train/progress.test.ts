import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { EpochRecord } from "../../src/train/history.js";
import { createProgressReporter, formatEpochLine } from "../../src/train/progress.js";

function sink(isTTY: boolean): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  let out = "";
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  }) as Writable & { isTTY?: boolean; columns?: number; cursorTo?: unknown; clearLine?: unknown };
  if (isTTY) {
    stream.isTTY = true;
    stream.columns = 100;
    // cli-progress moves the cursor with these TTY methods
    stream.cursorTo = (_x: number, _y?: number, cb?: () => void) => (cb?.(), true);
    stream.clearLine = (_d: number, cb?: () => void) => (cb?.(), true);
    (stream as unknown as { moveCursor: unknown }).moveCursor = (_x: number, _y: number, cb?: () => void) => (cb?.(), true);
  }
  return { stream, text: () => out };
}

const record: EpochRecord = { epoch: 2, loss: 0.123456, terms: { task: 0.12, "hidden/ovr": 0.003456 }, metrics: { valLoss: 0.2 }, seconds: 0.412, steps: 10 };

describe("progress", () => {
  it("formats one line per epoch with the terms and metrics", () => {
    expect(formatEpochLine(record, 10)).toBe("epoch 2/10  loss 0.1235  task 0.1200  hidden/ovr 0.003456  valLoss 0.2000  (0.41s)");
    expect(formatEpochLine({ ...record, terms: { mse: 0.1 }, metrics: {}, loss: 1e-5 }, 3)).toBe("epoch 2/3  loss 1.000e-5  (0.41s)");
  });

  it('"auto" logs plain lines when the stream is not a TTY, and "none" writes nothing', () => {
    const s = sink(false);
    const p = createProgressReporter("auto", 10, s.stream);
    p.epochStart(2, 5);
    p.batch(1, 0.5);
    p.epochEnd(record);
    p.close();
    expect(s.text()).toBe(formatEpochLine(record, 10) + "\n");
    const quiet = sink(false);
    const q = createProgressReporter("none", 10, quiet.stream);
    q.epochStart(1, 5);
    q.epochEnd(record);
    expect(quiet.text()).toBe("");
  });

  it('"auto" draws a bar on a TTY and still leaves the epoch summary', () => {
    const s = sink(true);
    const p = createProgressReporter("auto", 10, s.stream);
    p.epochStart(2, 4);
    for (let b = 1; b <= 4; b++) p.batch(b, 0.5 / b);
    p.epochEnd(record);
    p.close();
    expect(s.text()).toContain("epoch 2/10 [");
    expect(s.text()).toContain(formatEpochLine(record, 10));
  });
});
