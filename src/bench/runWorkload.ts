import * as tf from "@tensorflow/tfjs";
import { backendInfo, initBackend, type BackendRequest } from "../backend/node.js";
import { profileStep, type StepProfile } from "./kernelProfile.js";
import { timeSteps, type StepSchedule, type StepTimes } from "./timeSteps.js";
import { getWorkload, type WorkloadSize } from "./workloads.js";

/** sparsekit's side of one workload: timings plus where it ran. */
export interface SparsekitWorkloadRun extends StepTimes {
  backend: string;
  threads: number;
  /** Peak resident set of the process that ran it, MiB (its own process when isolated). */
  peakRssMb: number;
  /** Tensors left behind after dispose (should be 0). */
  leakedTensors: number;
  /** One more step under tf.profile: time and rate per kernel. */
  profile: StepProfile;
}

export interface RunWorkloadArgs extends StepSchedule {
  workload: string;
  size: WorkloadSize;
  backend?: BackendRequest;
  seed?: number;
}

/** Builds and times one workload in this process on the requested backend. */
export async function runWorkloadHere(args: RunWorkloadArgs): Promise<SparsekitWorkloadRun> {
  const w = getWorkload(args.workload);
  await initBackend(args.backend === undefined ? {} : { backend: args.backend });
  const info = await backendInfo();
  const before = tf.memory().numTensors;
  const instance = w.build(args.size, args.seed ?? 0);
  let times: StepTimes;
  let profile: StepProfile;
  try {
    times = timeSteps(() => instance.step(), args);
    profile = await profileStep(() => instance.step());
  } finally {
    instance.dispose();
  }
  return {
    ...times,
    backend: info.backend,
    threads: info.threads,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    leakedTensors: tf.memory().numTensors - before,
    profile,
  };
}
