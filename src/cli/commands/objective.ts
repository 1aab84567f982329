import * as tf from "@tensorflow/tfjs";
import { Command, Option } from "commander";
import { objectiveRegistry, getObjective } from "../../objectives/registry.js";
import type { CliIO } from "../io.js";
import { nestArray, parseNumericArray } from "../numericArray.js";
import { readJsonFile } from "../readJsonFile.js";
import { UsageError } from "../UsageError.js";

type OptionMeta = (typeof objectiveRegistry)[keyof typeof objectiveRegistry]["options"][number];

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * One CLI flag per option name used by any objective. Several objectives share a name (e.g.
 * `eps`) with different meanings or defaults, so the flag's help lists each one's description.
 */
function allOptionMetas(): Map<string, { meta: OptionMeta; help: string }> {
  const uses = new Map<string, { objective: string; meta: OptionMeta }[]>();
  for (const [objective, entry] of Object.entries(objectiveRegistry)) {
    for (const o of entry.options) uses.set(o.name, [...(uses.get(o.name) ?? []), { objective, meta: o }]);
  }
  const byName = new Map<string, { meta: OptionMeta; help: string }>();
  for (const [name, list] of uses) {
    const descriptions = new Set(list.map((u) => u.meta.description));
    const help = descriptions.size === 1 ? list[0]!.meta.description : list.map((u) => `${u.objective}: ${u.meta.description}`).join("; ");
    byName.set(name, { meta: list[0]!.meta, help });
  }
  return byName;
}

function convert(meta: OptionMeta, raw: unknown): unknown {
  if (meta.type === "boolean") return raw === true || raw === "true";
  if (meta.type === "number") {
    const n = Number(raw);
    if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(n)) {
      throw new UsageError(`option --${kebab(meta.name)} must be a number, got '${String(raw)}'`);
    }
    return n;
  }
  return raw;
}

/** `sparsekit objective <name> --input codes.json [--rho …] [--grad]`: value (and gradient) on a user's matrix. */
export function objectiveCommand(io: CliIO): Command {
  const metas = allOptionMetas();
  const cmd = new Command("objective")
    .description("evaluate an objective (and its gradient) on a JSON matrix; prints {\"value\", \"grad\"}")
    .argument("<name>", `objective: ${Object.keys(objectiveRegistry).join(", ")}`)
    .requiredOption("-i, --input <file>", "JSON file holding a nested array (B x K codes; B x H x W mask)")
    .option("--grad", "also print the gradient with respect to the input", false);
  for (const { meta, help } of metas.values()) {
    const flag = meta.type === "boolean" ? `--${kebab(meta.name)} [bool]` : `--${kebab(meta.name)} <${meta.type === "enum" ? "choice" : "number"}>`;
    const opt = new Option(flag, help);
    if (meta.type === "enum" && meta.values) opt.choices(meta.values);
    cmd.addOption(opt);
  }
  cmd.action(async (name: string, flags: Record<string, unknown>) => {
    let entry;
    try {
      entry = getObjective(name);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const own = new Set(entry.options.map((o) => o.name));
    const options: Record<string, unknown> = {};
    for (const { meta } of metas.values()) {
      if (cmd.getOptionValueSource(meta.name) !== "cli") continue;
      if (!own.has(meta.name)) {
        const list = entry.options.map((o) => `--${kebab(o.name)}`).join(", ") || "none";
        throw new UsageError(`option --${kebab(meta.name)} does not apply to objective '${name}' (its options: ${list})`);
      }
      options[meta.name] = convert(meta, flags[meta.name]);
    }
    const input = parseNumericArray(await readJsonFile(String(flags.input), "input file"), "input");
    const x = tf.tensor(input.values, input.shape, "float32");
    let result: { value: number; grad?: unknown };
    try {
      const value = tf.tidy(() => entry.fn(x, options).dataSync()[0]);
      const grad = flags.grad ? tf.tidy(() => tf.grad((t: tf.Tensor) => entry.fn(t, options))(x).dataSync()) : undefined;
      result = grad === undefined ? { value } : { value, grad: nestArray(grad, input.shape) };
    } finally {
      x.dispose();
    }
    io.out(`${JSON.stringify(result)}\n`);
  });
  return cmd;
}
