// `--only X` rewrites only X's sections of an existing BENCHMARKS.md: the other benches' figures
// and the file's header stay as they were.

/**
 * `existing` with each `## ` section whose title is among `fresh` replaced (in place) and the
 * other fresh sections appended; `note` goes under each fresh section (where it came from).
 */
export function replaceSections(existing: string, fresh: readonly string[], note: string): string {
  const split = (text: string): string[] => text.split(/^(?=## )/m);
  const title = (section: string): string => section.split("\n", 1)[0]!.trim();
  const parts = split(existing);
  const incoming = new Map(fresh.map((s) => [title(s), `${s.trimEnd()}\n\n${note}\n`]));
  const out = parts.map((p) => {
    const replacement = incoming.get(title(p));
    if (replacement === undefined) return p;
    incoming.delete(title(p));
    return replacement;
  });
  return `${[...out, ...incoming.values()].map((p) => p.trimEnd()).join("\n\n")}\n`;
}
