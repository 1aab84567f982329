import type { EpochRecord } from "./history.js";

export const PROGRESS_MODES = ["auto", "bar", "log", "none"] as const;
/**
 * "bar": a progress bar per epoch (Node terminals, through sparsekit/node); "log": one plain line
 * per epoch; "none": silent; "auto": "bar" when the stream is a terminal and a bar is available,
 * else "log" when there is a stream, else "none" (a web page has no default stream).
 */
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** Where progress text goes: process.stderr in Node, or anything with `write`. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressReporter {
  epochStart(epoch: number, stepsInEpoch: number): void;
  batch(batchInEpoch: number, loss: number): void;
  epochEnd(record: EpochRecord): void;
  /** Closes any open bar (also on errors). */
  close(): void;
}

/** Builds a terminal progress bar reporter (sparsekit/node installs one over cli-progress). */
export type ProgressBarFactory = (stream: ProgressSink, totalEpochs: number, formatLoss: (v: number) => string) => ProgressReporter;

interface ProgressPlatform {
  defaultStream?: () => ProgressSink;
  bar?: ProgressBarFactory;
}

let platform: ProgressPlatform = {};

/** Installs the platform's default stream and bar (done by sparsekit/node). */
export function setProgressPlatform(p: ProgressPlatform): void {
  platform = { ...p };
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

const SILENT: ProgressReporter = { epochStart() {}, batch() {}, epochEnd() {}, close() {} };

/** Reporter writing to `stream` (default: the platform's, process.stderr under sparsekit/node). */
export function createProgressReporter(mode: ProgressMode, totalEpochs: number, stream?: ProgressSink): ProgressReporter {
  const sink = stream ?? platform.defaultStream?.();
  let resolved = mode;
  if (resolved === "auto") resolved = sink === undefined ? "none" : sink.isTTY && platform.bar ? "bar" : "log";
  if (resolved === "bar" && !platform.bar) resolved = "log";
  if (resolved === "none") return SILENT;
  const out: ProgressSink = sink ?? { write: (text) => console.info(text.trimEnd()) };
  if (resolved === "bar") return platform.bar!(out, totalEpochs, fmt);
  return {
    epochStart() {},
    batch() {},
    epochEnd(record) {
      out.write(formatEpochLine(record, totalEpochs) + "\n");
    },
    close() {},
  };
}
