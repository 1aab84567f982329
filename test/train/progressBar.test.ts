import { describe, expect, it } from "vitest";
import { cliProgressBar } from "../../src/train/progressBar.js";

describe("cliProgressBar", () => {
  it("draws a bar per epoch and ends it with the epoch line", () => {
    let text = "";
    const stream = { write: (s: string) => ((text += s), true), isTTY: true, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, on: () => stream, removeListener: () => stream };
    const bar = cliProgressBar(stream, 2, (v) => v.toFixed(2));
    bar.epochStart(1, 4);
    bar.batch(2, 0.5);
    bar.epochEnd({ epoch: 1, loss: 0.5, terms: { loss: 0.5 }, metrics: {}, seconds: 0.1, steps: 4 });
    bar.close();
    expect(text).toContain("epoch 1/2  loss 0.5000  (0.10s)");
  });
});
