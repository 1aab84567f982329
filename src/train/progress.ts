import cliProgress from "cli-progress";
import type { EpochRecord } from "./history.js";

export const PROGRESS_MODES = ["auto", "bar", "log", "none"] as const;
/**
 * "bar": a cli-progress bar per epoch; "log": one plain line per epoch; "none": silent;
 * "auto": "bar" when the stream is a TTY, else "log" (CI logs stay readable).
 */
export type ProgressMode = (typeof PROGRESS_MODES)[number];

export interface ProgressReporter {
  epochStart(epoch: number, stepsInEpoch: number): void;
  batch(batchInEpoch: number, loss: number): void;
  epochEnd(record: EpochRecord): void;
  /** Closes any open bar (also on errors). */
  close(): void;
}

function fmt(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : v.toPrecision(4);
}

/** "epoch 3/10  loss 0.1234  task 0.1200  hidden/ovr 0.0034  valLoss 0.2000  (0.41s)" */
export function formatEpochLine(record: EpochRecord, totalEpochs: number): string {
  const parts = [`epoch ${record.epoch}/${totalEpochs}`, `loss ${fmt(record.loss)}`];
  const termNames = Object.keys(record.terms);
  if (termNames.length > 1) for (const k of termNames) parts.push(`${k} ${fmt(record.terms[k])}`);
  for (const [k, v] of Object.entries(record.metrics)) parts.push(`${k} ${fmt(v)}`);
  parts.push(`(${record.seconds.toFixed(2)}s)`);
  return parts.join("  ");
}

/** Reporter writing to `stream` (default process.stderr). */
export function createProgressReporter(
  mode: ProgressMode,
  totalEpochs: number,
  stream: NodeJS.WritableStream = process.stderr,
): ProgressReporter {
  const isTTY = Boolean((stream as NodeJS.WriteStream).isTTY);
  const resolved = mode === "auto" ? (isTTY ? "bar" : "log") : mode;
  if (resolved === "none") {
    return { epochStart() {}, batch() {}, epochEnd() {}, close() {} };
  }
  if (resolved === "log") {
    return {
      epochStart() {},
      batch() {},
      epochEnd(record) {
        stream.write(formatEpochLine(record, totalEpochs) + "\n");
      },
      close() {},
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  let epochNo = 0;
  return {
    epochStart(epoch, stepsInEpoch) {
      epochNo = epoch;
      bar = new cliProgress.SingleBar(
        {
          stream: stream as NodeJS.WriteStream,
          format: `epoch {epoch}/${totalEpochs} [{bar}] {value}/{total} | loss {loss}`,
          hideCursor: false,
          clearOnComplete: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(stepsInEpoch, 0, { epoch: epochNo, loss: "-" });
    },
    batch(batchInEpoch, loss) {
      bar?.update(batchInEpoch, { epoch: epochNo, loss: fmt(loss) });
    },
    epochEnd(record) {
      bar?.stop();
      bar = undefined;
      stream.write(formatEpochLine(record, totalEpochs) + "\n");
    },
    close() {
      bar?.stop();
      bar = undefined;
    },
  };
}
