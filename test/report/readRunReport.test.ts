import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRunReport } from "../../src/report/readRunReport.js";
import { RunReport } from "../../src/report/RunReport.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

async function smallReport(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "rr-"));
  const r = new RunReport(dir, { title: "t", seed: 3, backend: "cpu", config: { lr: 0.1, mode: "NaN" } });
  r.recordEpoch({ loss: 1 }).recordEpoch({ loss: NaN }).setMetrics({ best: -Infinity, list: [1, Infinity] });
  await r.write();
  return dir;
}

describe("readRunReport", () => {
  it("restores non-finite numbers and leaves genuine strings alone", async () => {
    const dir = await smallReport();
    const back = await readRunReport(dir);
    expect(back.epochs).toEqual([{ epoch: 1, loss: 1 }, { epoch: 2, loss: NaN }]);
    expect(back.metrics).toEqual({ best: -Infinity, list: [1, Infinity] });
    expect(back.config).toEqual({ lr: 0.1, mode: "NaN" });
    expect(back.seed).toBe(3);
    expect(await readRunReport(join(dir, "report.json"))).toEqual(back);
  });
  it("explains missing files, bad JSON and foreign layouts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rr-"));
    await expect(readRunReport(join(dir, "nope"))).rejects.toThrow(/must be a run directory or its report\.json.*not found/);
    await writeFile(join(dir, "report.json"), "{ not json");
    await expect(readRunReport(dir)).rejects.toThrow(/must be readable JSON/);
    await writeFile(join(dir, "report.json"), JSON.stringify({ format: "other" }));
    await expect(readRunReport(dir)).rejects.toThrow(/is not a sparsekit-run-report v1 file: at \/format/);
  });
  it("rejects a pointer list that does not match the data", async () => {
    const dir = await smallReport();
    const file = join(dir, "report.json");
    const json = JSON.parse(await readFile(file, "utf8"));
    json.nonFiniteNumbers.push("/config/lr");
    await writeFile(file, JSON.stringify(json));
    await expect(readRunReport(dir)).rejects.toThrow(SparsekitError);
  });
});
