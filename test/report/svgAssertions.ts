import { XMLValidator } from "fast-xml-parser";
import { expect } from "vitest";

/** An SVG that parses as XML, has an <svg> root with a size, and draws at least `minMarks` mark shapes. */
export function expectRenderableSvg(svg: string, minMarks = 1): void {
  expect(XMLValidator.validate(svg)).toBe(true);
  expect(svg.trimStart().startsWith("<svg")).toBe(true);
  expect(svg).toMatch(/<svg[^>]*\swidth="\d+(\.\d+)?"[^>]*\sheight="\d+(\.\d+)?"/);
  const marks = svg.match(/<path[^>]*role="graphics-symbol"[^>]*\sd="M[^"]+"/g) ?? [];
  expect(marks.length).toBeGreaterThanOrEqual(minMarks);
}

/** Data rows of a spec built by the chart builders (they always use inline `data.values`). */
export function specRows(spec: unknown): Record<string, unknown>[] {
  return (spec as { data: { values: Record<string, unknown>[] } }).data.values;
}
