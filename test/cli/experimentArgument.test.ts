import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { experimentArgument } from "../../src/cli/experimentArgument.js";
import { UsageError } from "../../src/cli/UsageError.js";

describe("experimentArgument", () => {
  it("resolves the experiment and reads the config object", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sparsekit-exparg-"));
    const file = join(dir, "c.json");
    await writeFile(file, JSON.stringify({ epochs: 2 }));
    const { experiment, config } = await experimentArgument("sphere-lambda", file);
    expect(experiment.name).toBe("sphere-lambda");
    expect(config).toEqual({ epochs: 2 });
    expect((await experimentArgument("sphere-lambda", undefined)).config).toBeUndefined();
  });

  it("gives usage errors for an unknown experiment and a config that is not an object", async () => {
    await expect(experimentArgument("nope", undefined)).rejects.toBeInstanceOf(UsageError);
    const dir = await mkdtemp(join(tmpdir(), "sparsekit-exparg-"));
    const file = join(dir, "c.json");
    await writeFile(file, "[1, 2]");
    await expect(experimentArgument("sphere-lambda", file)).rejects.toThrow(/must hold a JSON object of config values/);
  });
});
