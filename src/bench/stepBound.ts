import type { KernelShare, StepProfile } from "./kernelProfile.js";

/** How far a workload's step could get on wasm if its products ran at the SIMD ceiling. */
export interface StepBound {
  /** Fraction of the profiled step spent in products and convolutions (kernels with a FLOP count). */
  productShare: number;
  productGflop: number;
  /** Their achieved rate, GFLOP/s. */
  productGflops: number;
  /** ms/step with every product at the ceiling and everything else as measured (fractions from the profile). */
  boundMs: number;
  /** ms of the products alone at the ceiling: no wasm kernel can run the step faster. */
  floorMs: number;
  /** boundMs and floorMs over PyTorch's ms/step (null without PyTorch). */
  boundRatio: number | null;
  floorRatio: number | null;
  /** The longest kernels (at most 3). */
  top: KernelShare[];
}

/**
 * Scales a profiled step: `msPerStep` (unprofiled), its profile, the wasm SIMD ceiling in GFLOP/s
 * and PyTorch's ms/step. The products' share is taken from the profile's wall time, so JS time
 * between kernels counts as "everything else". Null when the profile has no product kernels.
 */
export function stepBound(msPerStep: number, profile: StepProfile, ceilingGflops: number, pytorchMs: number | null): StepBound | null {
  const products = profile.kernels.filter((k) => k.gflop !== null);
  if (products.length === 0 || profile.wallMs <= 0) return null;
  const productMs = products.reduce((a, k) => a + k.ms, 0);
  const productGflop = products.reduce((a, k) => a + (k.gflop as number), 0);
  const productGflops = productMs > 0 ? (productGflop * 1000) / productMs : Infinity;
  const productShare = Math.min(1, productMs / profile.wallMs);
  // The profile's fractions applied to the unprofiled step; products sped up to the ceiling.
  const boundMs = msPerStep * (1 - productShare + productShare * Math.min(1, productGflops / ceilingGflops));
  // An absolute floor: the products' FLOPs at the ceiling, whatever the profile's overhead.
  const floorMs = (productGflop * 1000) / ceilingGflops;
  return {
    productShare,
    productGflop,
    productGflops,
    boundMs,
    floorMs,
    boundRatio: pytorchMs ? boundMs / pytorchMs : null,
    floorRatio: pytorchMs ? floorMs / pytorchMs : null,
    top: profile.kernels.slice(0, 3),
  };
}
