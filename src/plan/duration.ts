// Durations in a plan are written `90s`, `20m`, `2h` or combinations such as `1h30m`; flotilla works in seconds.

/** The outcome of reading a duration: its length in seconds, or why it is not a duration. */
export type DurationCheck = { ok: true; seconds: number } | { ok: false; reason: string };

const FORM = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const EXAMPLES = "a whole number followed by h, m or s, such as 90s, 20m, 2h or 1h30m";

/** Reads a plan duration (`90s`, `20m`, `2h`, `1h30m`, `1h30m15s`) into seconds. */
export function parseDuration(text: string): DurationCheck {
  if (text.length === 0) return { ok: false, reason: `it is empty; expected ${EXAMPLES}` };
  if (/\s/.test(text)) return { ok: false, reason: `it contains whitespace; expected ${EXAMPLES}` };
  if (/^\d+(?:\.\d+)?$/.test(text)) return { ok: false, reason: `it has no unit; expected ${EXAMPLES}` };
  if (/\d\.\d/.test(text)) return { ok: false, reason: `use whole numbers, such as 1h30m rather than 1.5h` };
  const m = FORM.exec(text);
  if (!m) return { ok: false, reason: `expected ${EXAMPLES}` };
  const [, h, min, s] = m;
  const seconds = Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
  if (seconds <= 0) return { ok: false, reason: "it must be longer than zero" };
  if (!Number.isSafeInteger(seconds)) return { ok: false, reason: "it is too long" };
  return { ok: true, seconds };
}
