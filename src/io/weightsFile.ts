import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { getStorage } from "./storage.js";

/** A tensor with its name (same shape as tfjs-core's internal NamedTensor, which tfjs does not export). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/**
 * The one place where tensor bytes meet the file system. Both model directories (model.json +
 * weights.bin) and named tensor maps (checkpoints, optimizer state) store their tensors as the
 * standard tfjs pair "weightsManifest" (JSON: names, shapes, dtypes, file paths) + a binary
 * file of the concatenated little-endian values.
 */

/** Writes encoded weight bytes to `dir/binName`; returns the manifest that describes them. */
export async function writeWeightData(
  dir: string,
  binName: string,
  specs: tf.io.WeightsManifestEntry[],
  data: tf.io.WeightData,
): Promise<tf.io.WeightsManifestConfig> {
  if (binName.includes("/") || binName.includes("\\") || binName === "" || binName.startsWith(".")) {
    throw new SparsekitError(`writeWeightData: argument 'binName' must be a plain file name, got "${binName}".`);
  }
  const storage = getStorage("writeWeightData");
  const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
  await storage.writeAtomic(storage.join(dir, binName), bytes);
  return [{ paths: [binName], weights: specs }];
}

/** Encodes named tensors (in the given order) and writes them; returns the manifest. */
export async function writeTensors(
  dir: string,
  binName: string,
  tensors: NamedTensor[],
): Promise<tf.io.WeightsManifestConfig> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  return writeWeightData(dir, binName, specs, data);
}

/**
 * Reads every weight group of `manifest` (paths relative to `dir`) into one buffer, in manifest
 * order, and checks that its size matches the specs (a truncated file must not decode into
 * garbage).
 */
export async function readWeightData(
  dir: string,
  manifest: tf.io.WeightsManifestConfig,
  where: string,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  if (!Array.isArray(manifest)) {
    throw new SparsekitError(`${where}: 'weightsManifest' in ${dir} must be an array of weight groups.`);
  }
  const storage = getStorage(where);
  const root = storage.resolve(dir);
  const buffers: ArrayBuffer[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      const file = storage.resolve(root, p);
      if (file !== root && !file.startsWith(root + storage.sep)) {
        throw new SparsekitError(`${where}: weight file path "${p}" points outside the directory ${dir}.`);
      }
      let buf: Uint8Array;
      try {
        buf = await storage.readBytes(file);
      } catch (err) {
        throw new SparsekitError(`${where}: cannot read weight file ${file}: ${(err as Error).message}.`);
      }
      buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    }
    specs.push(...group.weights);
  }
  const data = tf.io.concatenateArrayBuffers(buffers);
  const expected = specs.reduce((sum, s) => sum + specByteLength(s), 0);
  if (data.byteLength !== expected) {
    throw new SparsekitError(
      `${where}: weight files in ${dir} hold ${data.byteLength} bytes, expected ${expected} for ${specs.length} tensor(s).`,
    );
  }
  return [specs, data];
}

/** Reads and decodes a manifest into tensors, keeping manifest order. Caller owns the tensors. */
export async function readTensors(
  dir: string,
  manifest: tf.io.WeightsManifestConfig,
  where: string,
): Promise<NamedTensor[]> {
  const [specs, data] = await readWeightData(dir, manifest, where);
  const map = tf.io.decodeWeights(data, specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

function specByteLength(spec: tf.io.WeightsManifestEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization) {
    const q = spec.quantization.dtype;
    return n * (q === "uint8" ? 1 : q === "uint16" || q === "float16" ? 2 : 4);
  }
  const b = BYTES[spec.dtype];
  if (b === undefined) {
    throw new SparsekitError(`readWeightData: unsupported dtype "${spec.dtype}" for tensor '${spec.name}'.`);
  }
  return n * b;
}
