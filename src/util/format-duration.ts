// Durations as people read them (2h5m, 20m, 45s), for reports and `check`.

/** Formats seconds as the plan's duration syntax, largest units first; sub-second values round up to 1s. */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return "0s";
  let s = Math.max(1, Math.round(seconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h > 0 ? `${h}h` : ""}${m > 0 ? `${m}m` : ""}${s > 0 ? `${s}s` : ""}`;
}
