export {
  initBackend,
  BACKEND_NAMES,
  BACKEND_REQUESTS,
  BACKEND_ENV_VAR,
  TFJS_BACKEND_NAME,
  defaultBackendDeps,
  autoBackendOrder,
  type BackendName,
  type BackendRequest,
  type BackendDeps,
  type InitBackendOptions,
  type InitBackendResult,
  type ModuleImporter,
  type WasmModuleLike,
} from "./initBackend.js";
export { setBackendPlatform, isBrowser, type BackendPlatform } from "./backendPlatform.js";
export { backendInfo, type BackendInfo } from "./backendInfo.js";
export { patchWasmBackend, type WasmPatchReport } from "./patchWasmBackend.js";
export {
  installWasmMatMulOverride,
  uninstallWasmMatMulOverride,
  isWasmMatMulOverrideInstalled,
} from "./wasmMatMulOverride.js";
export { installWasmCastIdentity, uninstallWasmCastIdentity, isWasmCastIdentityInstalled } from "./wasmCastIdentity.js";
export { installWasmTile, uninstallWasmTile, isWasmTileInstalled, tileInto } from "./wasmTile.js";
export {
  installWasmReduceGradients,
  uninstallWasmReduceGradients,
  isWasmReduceGradientsInstalled,
} from "./wasmReduceGradients.js";
export { installWasmConv2D, uninstallWasmConv2D } from "./wasmConv2D.js";
export { installWasmConv2DBackpropFilter } from "./wasmConv2DBackpropFilter.js";
export { installWasmUnsortedSegmentSum } from "./wasmUnsortedSegmentSum.js";
export { installWasmConv2DBackpropInput, uninstallWasmConv2DBackpropInput } from "./wasmConv2DBackpropInput.js";
export { installWasmMaxPoolGrad, uninstallWasmMaxPoolGrad } from "./wasmPoolGradients.js";
export { installWasmSum, uninstallWasmSum } from "./wasmSum.js";
export { installWasmSign, uninstallWasmSign } from "./wasmSign.js";
export { quietCpuBanner } from "./quietCpuBanner.js";
