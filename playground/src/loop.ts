import type { Readout, Trainer } from "./trainers/Trainer.js";

export interface LoopEvents {
  /** After a readout: the numbers for the charts, and the throughput. */
  onReadout(r: Readout, steps: number, stepsPerSecond: number): void;
  /** After the images were refreshed (the caller draws them). */
  onImages(trainer: Trainer): Promise<void>;
  onError(e: unknown): void;
  onState(running: boolean): void;
}

/** Milliseconds of stepping per slice before the page gets the main thread back. */
const SLICE_MS = 24;
/** Readouts (loss, terms, metrics) at most this often; images half as often. */
const READOUT_MS = 250;

function nextFrame(): Promise<void> {
  // requestAnimationFrame pauses in hidden tabs; a timeout keeps training going there.
  return new Promise((resolve) => {
    if (document.hidden) setTimeout(resolve, 0);
    else requestAnimationFrame(() => resolve());
  });
}

/**
 * Runs a trainer in slices between animation frames, so the page never freezes: each slice takes
 * steps for about SLICE_MS, then, every READOUT_MS, one asynchronous readout (the only values read
 * back from the GPU), then yields to the browser. Steps per second are measured between readouts,
 * whose read-back waits for the queued GPU work, so the rate is real throughput.
 */
export class TrainingLoop {
  private running = false;
  private trainer: Trainer | undefined;
  private lastReadout = 0;
  private lastImages = 0;
  private rateSteps = 0;
  private rateTime = 0;
  private rate = 0;
  private pending: Promise<void> = Promise.resolve();
  /** Applied before the next step (a weight changed on the page). */
  private beforeStep: (() => void) | undefined;

  constructor(private readonly events: LoopEvents) {}

  get isRunning(): boolean {
    return this.running;
  }

  get steps(): number {
    return this.trainer?.steps ?? 0;
  }

  /** Replaces the trainer (after a reset); the old one is disposed by the caller. */
  attach(trainer: Trainer): void {
    this.trainer = trainer;
    this.rate = 0;
  }

  /** Runs `fn` between two steps (never in the middle of one). */
  schedule(fn: () => void): void {
    const prev = this.beforeStep;
    this.beforeStep = () => {
      prev?.();
      fn();
    };
    if (!this.running) this.flush();
  }

  private flush(): void {
    const f = this.beforeStep;
    this.beforeStep = undefined;
    f?.();
  }

  start(): void {
    if (this.running || !this.trainer) return;
    this.running = true;
    this.events.onState(true);
    this.rateSteps = this.trainer.steps;
    this.rateTime = performance.now();
    this.pending = this.run();
  }

  /** Stops after the current slice; resolves when the loop has stopped. */
  async pause(): Promise<void> {
    this.running = false;
    await this.pending;
  }

  /** One step and a full readout (the "step" button). */
  async stepOnce(): Promise<void> {
    if (this.running || !this.trainer) return;
    this.flush();
    this.trainer.trainStep(true);
    await this.refresh(true);
  }

  /** Reads out and redraws now (after a reset, before any step). */
  async refresh(images = true): Promise<void> {
    const t = this.trainer;
    if (!t) return;
    const r = await t.readout();
    this.events.onReadout(r, t.steps, this.rate);
    if (images) await this.events.onImages(t);
  }

  private async run(): Promise<void> {
    try {
      while (this.running && this.trainer) {
        const t = this.trainer;
        const sliceStart = performance.now();
        const readoutDue = sliceStart - this.lastReadout >= READOUT_MS;
        do {
          this.flush();
          // Keep the terms of a slice's first step when a readout follows this slice.
          t.trainStep(readoutDue);
        } while (!readoutDue && performance.now() - sliceStart < SLICE_MS);
        if (readoutDue) {
          const r = await t.readout();
          const now = performance.now();
          if (now - this.rateTime > 0 && t.steps > this.rateSteps) {
            const instant = ((t.steps - this.rateSteps) * 1000) / (now - this.rateTime);
            this.rate = this.rate === 0 ? instant : 0.7 * this.rate + 0.3 * instant;
          }
          this.rateSteps = t.steps;
          this.rateTime = now;
          this.lastReadout = now;
          this.events.onReadout(r, t.steps, this.rate);
          if (now - this.lastImages >= 2 * READOUT_MS) {
            this.lastImages = now;
            await this.events.onImages(t);
          }
        }
        await nextFrame();
      }
    } catch (e) {
      this.running = false;
      this.events.onError(e);
    } finally {
      this.running = false;
      this.events.onState(false);
    }
  }
}
