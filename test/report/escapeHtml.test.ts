import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/report/escapeHtml.js";

describe("escapeHtml", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  });
  it("leaves other text, including non-ASCII, unchanged", () => {
    expect(escapeHtml("λ = 1e-4, ± std")).toBe("λ = 1e-4, ± std");
  });
  it("never leaves a raw < or quote in the output", () => {
    const out = escapeHtml(`<script>alert("x")</script>'`);
    expect(out).not.toMatch(/[<>"']/);
  });
});
