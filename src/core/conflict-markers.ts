// Conflict markers left in a resolved file. A marker line (`<<<<<<<`, `|||||||` or `>>>>>>>`,
// alone or followed by a space and a label, or exactly `=======`) counts only when the resolution has more
// copies of that exact line than either side of the merge had: a Markdown heading underlined with
// `=======`, or a test fixture that holds markers on purpose, is kept, not reported.

/** One marker line a resolution added. */
export interface LeftoverMarker {
  /** 1-based line number in the resolved text. */
  readonly line: number;
  readonly text: string;
}

// The separator never has a label; the other three may.
const MARKER = /^(?:(?:<{7}|\|{7}|>{7})(?: .*)?|={7})$/;

/** Whether a line (without its newline) looks like a conflict marker git writes. */
export function isMarkerLine(line: string): boolean {
  return MARKER.test(line.replace(/\r$/, ""));
}

/** Marker lines of `resolved` beyond what `ours` or `theirs` already held (each exact line counted). */
export function leftoverMarkers(opts: {
  readonly resolved: string;
  readonly ours: string;
  readonly theirs: string;
}): LeftoverMarker[] {
  const allowed = new Map<string, number>();
  const ours = markerCounts(opts.ours);
  const theirs = markerCounts(opts.theirs);
  for (const key of new Set([...ours.keys(), ...theirs.keys()]))
    allowed.set(key, Math.max(ours.get(key) ?? 0, theirs.get(key) ?? 0));
  const out: LeftoverMarker[] = [];
  opts.resolved.split("\n").forEach((raw, i) => {
    const text = raw.replace(/\r$/, "");
    if (!isMarkerLine(text)) return;
    const left = allowed.get(text) ?? 0;
    if (left > 0) allowed.set(text, left - 1);
    else out.push({ line: i + 1, text });
  });
  return out;
}

function markerCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (isMarkerLine(line)) counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return counts;
}
