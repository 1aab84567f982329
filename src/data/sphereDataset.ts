import * as tf from "@tensorflow/tfjs";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { createRng, type Seed } from "../random/index.js";

export interface SphereDatasetOptions {
  /** Number of points (default 5000, the source's setting). */
  n?: number;
  /** Latitude bands: the polar angle [0, pi] is cut into this many equal-angle bands (the source's N + 1). */
  latBands: number;
  /** Longitude sectors: the longitude [0, 2 pi) is cut into this many equal sectors (the source's M). */
  lonSectors: number;
  /** Number of classes C (default 10). */
  classes?: number;
  /** Seed of points and class assignment (default 0). */
  seed?: Seed;
}

export interface SphereDataset {
  /** Points on the unit sphere [n, 3], float32. */
  x: tf.Tensor2D;
  /** Class of each point (the class of its partition). */
  labels: Int32Array;
  /** Partition of each point: band * lonSectors + sector. */
  partition: Int32Array;
  /** Class of each of the latBands * lonSectors partitions. */
  partitionClasses: Int32Array;
}

/** Latitude band of a unit vector: polar angle theta = acos(z) in [0, pi], cut into `bands` equal parts. */
export function sphereBand(z: number, bands: number): number {
  const theta = Math.acos(Math.max(-1, Math.min(1, z)));
  return Math.min(bands - 1, Math.floor((theta / Math.PI) * bands));
}

/** Longitude sector: phi = atan2(y, x) taken in [0, 2 pi), cut into `sectors` equal parts. */
export function sphereSector(x: number, y: number, sectors: number): number {
  let phi = Math.atan2(y, x);
  if (phi < 0) phi += 2 * Math.PI;
  return Math.min(sectors - 1, Math.floor((phi / (2 * Math.PI)) * sectors));
}

/**
 * The sphere toy data set of seed 001 (SPEC.md §4): n points uniform on the unit sphere in R^3
 * (normalised standard-normal vectors), the surface cut into latBands x lonSectors partitions
 * (equal polar-angle bands — not equal area — times equal longitude sectors), and each partition
 * given a class drawn uniformly from 0..classes-1, so one class covers several disconnected patches
 * (a discontinuous manifold). The points are drawn first, then the partition classes, from one
 * seeded stream: the same seed and options give the same data set.
 */
export function sphereDataset(opts: SphereDatasetOptions): SphereDataset {
  const where = "sphereDataset";
  if (opts === undefined || opts === null || typeof opts !== "object") {
    throw new SparsekitError(`${where}: options must be an object with 'latBands' and 'lonSectors', got ${String(opts)}.`);
  }
  assertKnownOptions(opts, where, ["n", "latBands", "lonSectors", "classes", "seed"]);
  const n = opts.n ?? 5000;
  const classes = opts.classes ?? 10;
  assertNumberOption(n, where, "n", { integer: true, min: 1 });
  assertNumberOption(opts.latBands, where, "latBands", { integer: true, min: 1 });
  assertNumberOption(opts.lonSectors, where, "lonSectors", { integer: true, min: 1 });
  assertNumberOption(classes, where, "classes", { integer: true, min: 1 });
  const { latBands, lonSectors } = opts;
  const rng = createRng(opts.seed ?? 0, where);
  const pts = new Float32Array(n * 3);
  const partition = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let a = 0, b = 0, c = 0, r = 0;
    // A zero-length draw has probability ~0, but would divide by zero: redraw.
    while (!(r > 1e-12)) {
      a = rng.normal();
      b = rng.normal();
      c = rng.normal();
      r = Math.hypot(a, b, c);
    }
    a /= r;
    b /= r;
    c /= r;
    pts[3 * i] = a;
    pts[3 * i + 1] = b;
    pts[3 * i + 2] = c;
    // From the stored float32 values, so the partition always agrees with x.
    partition[i] = sphereBand(pts[3 * i + 2], latBands) * lonSectors + sphereSector(pts[3 * i], pts[3 * i + 1], lonSectors);
  }
  const partitionClasses = new Int32Array(latBands * lonSectors);
  for (let p = 0; p < partitionClasses.length; p++) partitionClasses[p] = rng.int(classes);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = partitionClasses[partition[i]];
  return { x: tf.tensor2d(pts, [n, 3], "float32"), labels, partition, partitionClasses };
}
