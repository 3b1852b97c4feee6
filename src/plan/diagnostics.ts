// Prints plan diagnostics the way compilers do: file:line:col, the source line, and a caret under the span.

import type { Diagnostic, SourceLocation } from "./types.js";

/**
 * Renders every diagnostic, sorted by position, each followed by its related notes; a blank line separates
 * diagnostics. `source` is the text of the plan file the locations point into. No trailing newline.
 */
export function formatDiagnostics(diags: readonly Diagnostic[], source: string): string {
  const lines = source.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  return sortDiagnostics(diags)
    .map((d) => {
      const parts = [snippet(`${d.severity}: ${d.message}`, d.loc, d.length, lines)];
      for (const r of d.related) parts.push(snippet(`note: ${r.message}`, r.loc, r.length, lines));
      return parts.join("\n");
    })
    .join("\n\n");
}

/** Orders diagnostics by file position (line, then column), keeping the given order among equals. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
}

function snippet(headline: string, loc: SourceLocation, length: number, lines: readonly string[]): string {
  const text = lines[loc.line - 1] ?? "";
  const num = String(loc.line);
  const gutter = " ".repeat(num.length);
  const start = Math.max(0, loc.column - 1);
  const lead = text.slice(0, start).replace(/[^\t]/g, " ");
  const pad = " ".repeat(Math.max(0, start - text.length));
  const span = Math.max(1, Math.min(length, text.length - start));
  return [
    `${loc.file}:${loc.line}:${loc.column} ${headline}`,
    `  ${num} | ${text}`,
    `  ${gutter} | ${lead}${pad}^${"~".repeat(span - 1)}`,
  ].join("\n");
}
