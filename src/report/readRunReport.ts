import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { SparsekitError } from "../validation/SparsekitError.js";
import { decodeNonFinite, type PlainValue } from "./jsonValue.js";
import { RUN_REPORT_FORMAT, RUN_REPORT_FORMAT_VERSION } from "./RunReport.js";

const plain = z.custom<PlainValue>(() => true);
const record = z.record(z.string(), plain);

/** The top-level fields of report.json that readers rely on; extra fields are kept. */
const reportSchema = z.looseObject({
  format: z.literal(RUN_REPORT_FORMAT),
  formatVersion: z.literal(RUN_REPORT_FORMAT_VERSION),
  title: z.string(),
  description: z.string().nullable(),
  createdAt: z.string(),
  seed: z.union([z.number(), z.string(), z.null()]),
  backend: z.string().nullable(),
  environment: record,
  config: record,
  epochs: z.array(record),
  metrics: record,
  timingsMs: z.record(z.string(), z.union([z.number(), z.string()])),
  contents: z.array(z.looseObject({ kind: z.enum(["section", "plot", "image", "imageRows", "table", "text"]) })),
  nonFiniteNumbers: z.array(z.string()),
});

/** report.json as read back: non-finite numbers restored to NaN / ±Infinity. */
export type RunReportData = z.infer<typeof reportSchema> & {
  epochs: { [key: string]: PlainValue }[];
  metrics: { [key: string]: PlainValue };
  config: { [key: string]: PlainValue };
  timingsMs: { [key: string]: number };
};

/**
 * Reads a run's report.json (give the run directory or the file), checks its format and restores
 * the encoded non-finite numbers (see NON_FINITE_NOTE), so the numbers equal what the run passed.
 * Throws SparsekitError naming the file on a missing file, bad JSON or an unknown layout.
 */
export async function readRunReport(path: string): Promise<RunReportData> {
  const where = "readRunReport";
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, "report.json");
  } catch {
    throw new SparsekitError(`${where}: argument 'path' must be a run directory or its report.json, got "${path}" (not found).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new SparsekitError(`${where}: "${file}" must be readable JSON: ${(e as Error).message}`);
  }
  const result = reportSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SparsekitError(
      `${where}: "${file}" is not a ${RUN_REPORT_FORMAT} v${RUN_REPORT_FORMAT_VERSION} file: at /${issue.path.join("/")} ${issue.message}.`,
    );
  }
  return decodeNonFinite(result.data as unknown as PlainValue, result.data.nonFiniteNumbers) as unknown as RunReportData;
}
