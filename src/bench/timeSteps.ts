/** Schedule of a timed run: untimed warm-up steps, then `rounds` rounds of `steps` steps. */
export interface StepSchedule {
  steps: number;
  warmup: number;
  rounds: number;
}

export interface StepTimes {
  /** ms/step of each timed round (wall clock). */
  roundsMs: number[];
  /** Median and minimum over rounds. */
  msPerStep: number;
  minMsPerStep: number;
  /** Median process CPU time (user + system) per step. */
  cpuMsPerStep: number;
  firstLoss: number;
  lastLoss: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `step` on the schedule and returns wall-clock and CPU ms/step (see StepTimes). */
export function timeSteps(step: () => number, schedule: StepSchedule): StepTimes {
  let firstLoss = Number.NaN;
  let lastLoss = Number.NaN;
  for (let i = 0; i < schedule.warmup; i++) {
    lastLoss = step();
    if (i === 0) firstLoss = lastLoss;
  }
  const roundsMs: number[] = [];
  const cpuMs: number[] = [];
  for (let r = 0; r < schedule.rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < schedule.steps; i++) {
      lastLoss = step();
      if (Number.isNaN(firstLoss)) firstLoss = lastLoss;
    }
    roundsMs.push((performance.now() - t0) / schedule.steps);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000 / schedule.steps);
  }
  return { roundsMs, msPerStep: median(roundsMs), minMsPerStep: Math.min(...roundsMs), cpuMsPerStep: median(cpuMs), firstLoss, lastLoss };
}
