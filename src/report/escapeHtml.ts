/**
 * Escapes text for HTML element content and quoted attribute values: & < > " ' become entities.
 * Every string that reaches index.html (titles, captions, table cells, config values) passes here.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
