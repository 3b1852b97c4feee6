// `--only X` rewrites only X's own `## ` sections of an existing BENCHMARKS.md: the other sections,
// measured at another time, stay as they were.

/** A `## ` section: its title (the heading without `## `) and its whole text, heading included. */
export interface Section {
  readonly title: string;
  readonly text: string;
}

/**
 * Replaces the sections of `existing` whose titles match a fresh one, in place, and appends the
 * fresh sections it did not have. Whatever precedes the first `## ` heading (the header) is kept.
 * Each fresh section says under its heading when it was measured (`when`: commit and date).
 */
export function replaceSections(existing: string, fresh: readonly Section[], when: string): string {
  const { head, sections: old } = splitSections(existing);
  const stamp = (f: Section) => f.text.replace("\n\n", `\n\n_Rewritten alone (\`--only\`) at ${when}._\n\n`);
  const byTitle = new Map(fresh.map((s) => [s.title, s]));
  const used = new Set<string>();
  const body = old.map((s) => {
    const f = byTitle.get(s.title);
    if (f === undefined) return s.text;
    used.add(s.title);
    return stamp(f);
  });
  for (const f of fresh) if (!used.has(f.title)) body.push(stamp(f));
  return `${head.replace(/\n*$/, "\n\n")}${body.join("\n")}`;
}

/** The sections of `existing` with these titles, whole and in file order (the opt-in benches' last figures). */
export function pickSections(existing: string, titles: ReadonlySet<string>): Section[] {
  return splitSections(existing).sections.filter((s) => titles.has(s.title));
}

// The text before the first `## ` heading, and each section from its heading to the next, ending
// in exactly one newline.
function splitSections(text: string): { head: string; sections: Section[] } {
  const head: string[] = [];
  const parts: { title: string; lines: string[] }[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("## ")) parts.push({ title: line.slice(3).trim(), lines: [line] });
    else if (parts.length === 0) head.push(line);
    else parts[parts.length - 1]!.lines.push(line);
  }
  return {
    head: head.join("\n"),
    sections: parts.map((p) => ({ title: p.title, text: p.lines.join("\n").replace(/\n*$/, "\n") })),
  };
}
