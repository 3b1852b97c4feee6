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
  const lines = existing.split("\n");
  const head: string[] = [];
  const old: { title: string; lines: string[] }[] = [];
  for (const line of lines) {
    if (line.startsWith("## ")) old.push({ title: line.slice(3).trim(), lines: [line] });
    else if (old.length === 0) head.push(line);
    else old[old.length - 1]!.lines.push(line);
  }
  const stamp = (f: Section) => f.text.replace("\n\n", `\n\n_Rewritten alone (\`--only\`) at ${when}._\n\n`);
  const byTitle = new Map(fresh.map((s) => [s.title, s]));
  const used = new Set<string>();
  const body = old.map((s) => {
    const f = byTitle.get(s.title);
    if (f === undefined) return s.lines.join("\n").replace(/\n*$/, "\n");
    used.add(s.title);
    return stamp(f);
  });
  for (const f of fresh) if (!used.has(f.title)) body.push(stamp(f));
  return `${head.join("\n").replace(/\n*$/, "\n\n")}${body.join("\n")}`;
}

/** The sections of `existing` with these titles, whole and in file order (the opt-in benches' last figures). */
export function pickSections(existing: string, titles: ReadonlySet<string>): Section[] {
  const picked: Section[] = [];
  let current: { title: string; lines: string[] } | undefined;
  const flush = () => {
    if (current !== undefined && titles.has(current.title))
      picked.push({ title: current.title, text: `${current.lines.join("\n").replace(/\n*$/, "")}\n` });
  };
  for (const line of existing.split("\n")) {
    if (line.startsWith("## ")) {
      flush();
      current = { title: line.slice(3).trim(), lines: [line] };
    } else current?.lines.push(line);
  }
  flush();
  return picked;
}
