// The progress of a run as it happens. On a terminal: a block (a header and one line per running or
// just-finished item) redrawn in place at most ~10 times a second, with notable events printed above
// it as history. Elsewhere (CI logs, pipes): exactly one plain timestamped line per event.
import type { RunEvent } from "../../core/events.js";
import { ACTIVE_STATUSES, ITEM_STATUSES } from "../../core/report.js";
import type { ItemStatus } from "../../core/state-types.js";
import { formatDuration } from "../../util/format-duration.js";
import { unreachable } from "../../util/result.js";
import { formatCounts, formatUsd, shortSha, table } from "./report-text.js";

/** Timers the live view uses, injectable so tests drive redraws without waiting. */
export interface LiveViewTimers {
  /** Calls `fn` once after `ms`; returns a cancel function. */
  readonly after: (ms: number, fn: () => void) => () => void;
  /** Calls `fn` every `ms`; returns a cancel function. */
  readonly every: (ms: number, fn: () => void) => () => void;
}

/** How to build a live view. */
export interface LiveViewOptions {
  readonly write: (text: string) => void;
  /** Redraw in place (a terminal) or print one line per event. */
  readonly isTTY: boolean;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Terminal width: block lines are cut to fit so the in-place redraw stays aligned. */
  readonly columns?: number;
  readonly timers?: LiveViewTimers;
}

/** What the engine's event sink calls. */
export interface LiveView {
  onEvent(e: RunEvent): void;
  /** Stops redrawing and erases the block (history lines stay). Safe to call more than once. */
  stop(): void;
}

/** At most this often the block is redrawn (10 per second). */
export const MIN_REDRAW_MS = 100;
/** The block is redrawn this often with no events, so elapsed times tick. */
export const TICK_MS = 1000;
/** How long a finished item stays in the block. */
export const RECENT_MS = 10_000;

const ESC = "\u001b[";
const ERASE_LINE = `${ESC}2K`;

interface ItemView {
  state: ItemStatus;
  attempt?: number;
  agent?: string;
  attemptStart?: number;
  attemptEnd?: number;
  cost?: number;
  /** A resolver works on the item's merge conflict (the item is queued meanwhile). */
  resolving?: { readonly agent: string; readonly start: number };
  /** When the item reached a state that is not active (for "recently finished"). */
  settledAt?: number;
}

/** Builds the live view for one run. */
export function createLiveView(opts: LiveViewOptions): LiveView {
  const timers = opts.timers ?? realTimers;
  const items = new Map<string, ItemView>();
  let runId: string | undefined;
  let itemTotal = 0;
  let startedAt: number | undefined;
  let totalCost: number | undefined;
  let stopped = false;
  // TTY bookkeeping.
  let drawn = 0;
  let lastPaint = Number.NEGATIVE_INFINITY;
  let pendingLogs: string[] = [];
  let cancelTimer: (() => void) | undefined;
  let cancelTick: (() => void) | undefined;

  const item = (id: string): ItemView => {
    let v = items.get(id);
    if (v === undefined) {
      v = { state: "pending" };
      items.set(id, v);
    }
    return v;
  };

  const apply = (e: RunEvent, at: number): void => {
    startedAt ??= at;
    switch (e.type) {
      case "run-started":
        runId = e.runId;
        itemTotal = e.items;
        startedAt = at;
        break;
      case "item-state": {
        const v = item(e.itemId);
        v.state = e.state;
        if (ACTIVE_STATUSES.has(e.state)) delete v.settledAt;
        else v.settledAt = at;
        break;
      }
      case "attempt-started": {
        const v = item(e.itemId);
        v.attempt = e.attempt;
        v.agent = e.agent;
        v.attemptStart = at;
        delete v.attemptEnd;
        break;
      }
      case "attempt-ended": {
        const v = item(e.itemId);
        v.attemptEnd = at;
        if (e.costUsd !== undefined) {
          v.cost = (v.cost ?? 0) + e.costUsd;
          totalCost = (totalCost ?? 0) + e.costUsd;
        }
        break;
      }
      case "resolver-started":
        item(e.itemId).resolving = { agent: e.agent, start: at };
        break;
      case "resolver-ended": {
        const v = item(e.itemId);
        delete v.resolving;
        if (e.costUsd !== undefined) {
          v.cost = (v.cost ?? 0) + e.costUsd;
          totalCost = (totalCost ?? 0) + e.costUsd;
        }
        break;
      }
      case "resolution-rejected":
      case "review-ended":
      case "item-added":
      case "contradiction":
      case "budget-reached":
      case "agent-exited":
      case "conflicts-predicted":
      case "gate-ended":
      case "merged":
      case "merge-conflict":
      case "landed":
      case "land-skipped":
      case "warning":
      case "run-ended":
        break;
      default:
        unreachable(e, "event");
    }
  };

  const blockLines = (at: number): string[] => {
    const counts = Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<ItemStatus, number>;
    for (const v of items.values()) counts[v.state] += 1;
    counts.pending += Math.max(0, itemTotal - items.size);
    const elapsed = formatDuration((at - (startedAt ?? at)) / 1000);
    const header = `${runId ?? "flotilla"}  ${formatCounts(counts)}  cost ${formatUsd(totalCost ?? null)}  ${elapsed}`;
    const shown = [...items].filter(
      ([, v]) =>
        ACTIVE_STATUSES.has(v.state) ||
        (v.settledAt !== undefined && at - v.settledAt < RECENT_MS && v.attempt !== undefined),
    );
    const rows = shown.map(([id, v]) => {
      const end = v.attemptEnd ?? at;
      if (v.resolving !== undefined && v.state === "queued") {
        return [
          id,
          "resolving",
          v.attempt === undefined ? "-" : `#${v.attempt}`,
          v.resolving.agent,
          formatDuration((at - v.resolving.start) / 1000),
          formatUsd(v.cost ?? null),
        ];
      }
      return [
        id,
        v.state,
        v.attempt === undefined ? "-" : `#${v.attempt}`,
        v.agent ?? "-",
        v.attemptStart === undefined ? "-" : formatDuration((end - v.attemptStart) / 1000),
        formatUsd(v.cost ?? null),
      ];
    });
    return [header, ...table(rows).map((l) => `  ${l}`)].map((l) => fit(l, opts.columns));
  };

  const paint = (): void => {
    cancelTimer?.();
    cancelTimer = undefined;
    const at = opts.now();
    lastPaint = at;
    const frame = stopped ? [] : blockLines(at);
    const lines = [...pendingLogs, ...frame];
    pendingLogs = [];
    let out = drawn > 0 ? `${ESC}${drawn}A` : "";
    for (const l of lines) out += `${ERASE_LINE}${l}\n`;
    const extra = drawn - lines.length;
    if (extra > 0) out += `${`${ERASE_LINE}\n`.repeat(extra)}${ESC}${extra}A`;
    drawn = frame.length;
    if (out !== "") opts.write(out);
  };

  const schedule = (): void => {
    const wait = lastPaint + MIN_REDRAW_MS - opts.now();
    if (wait <= 0) paint();
    else cancelTimer ??= timers.after(wait, paint);
  };

  return {
    onEvent(e) {
      const at = opts.now();
      if (!opts.isTTY || stopped) {
        apply(e, at);
        opts.write(`[${clock(at)}] ${describe(e, runId)}\n`);
        return;
      }
      apply(e, at);
      if (isNotable(e)) pendingLogs.push(`[${clock(at)}] ${describe(e, runId)}`);
      cancelTick ??= timers.every(TICK_MS, schedule);
      schedule();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      cancelTick?.();
      cancelTick = undefined;
      if (opts.isTTY && (drawn > 0 || pendingLogs.length > 0)) paint();
      cancelTimer?.();
      cancelTimer = undefined;
    },
  };
}

/** One event as one plain line (without the time), for logs and the terminal's history. */
export function describe(e: RunEvent, runId?: string): string {
  switch (e.type) {
    case "run-started":
      return `run ${e.runId} started: ${e.items} item${e.items === 1 ? "" : "s"} from ${safe(e.plan)}, ${e.base} → ${e.integrationBranch}`;
    case "item-state":
      return `${e.itemId} ${e.state}${e.reason === undefined ? "" : `: ${safe(e.reason)}`}`;
    case "attempt-started":
      return `${e.itemId} attempt ${e.attempt} started (${safe(e.agent)}) in ${safe(e.lane)}`;
    case "attempt-ended": {
      const cost = e.costUsd === undefined ? "" : `, ${formatUsd(e.costUsd)}`;
      const reason = e.reason === undefined ? "" : `: ${safe(e.reason)}`;
      return `${e.itemId} attempt ${e.attempt} ${e.outcome} after ${formatDuration(e.durationMs / 1000)}${cost}${reason}`;
    }
    case "agent-exited": {
      const how = e.timedOut
        ? "was stopped (timeout)"
        : e.exitCode === null
          ? `was killed (${e.signal ?? "signal"})`
          : `exited ${e.exitCode}`;
      return `${e.itemId} attempt ${e.attempt} agent ${how} after ${formatDuration(e.durationMs / 1000)}`;
    }
    case "gate-ended": {
      const how = e.passed
        ? "passed"
        : e.timedOut
          ? "timed out"
          : e.exitCode === null
            ? "was killed"
            : `failed (exit ${e.exitCode})`;
      const whose =
        e.itemId === undefined
          ? ""
          : ` for ${e.itemId}${e.attempt === undefined ? "" : ` attempt ${e.attempt}`}`;
      return `${e.stage} gate ${how}${whose} after ${formatDuration(e.durationMs / 1000)}: ${safe(e.command)}`;
    }
    case "merged":
      return `${e.itemId} attempt ${e.attempt} merged as ${shortSha(e.commit)}`;
    case "conflicts-predicted":
      return e.pairs.length === 0
        ? "no conflicts predicted between running lanes any more"
        : `predicted conflicts: ${e.pairs
            .map((p) => `${p.a} ↔ ${p.b} in ${p.files.map(safe).join(", ")}`)
            .join("; ")}`;
    case "merge-conflict":
      return `${e.itemId} attempt ${e.attempt} conflicts with the integration branch in ${e.files.map(safe).join(", ")}`;
    case "resolver-started":
      return `${e.itemId} attempt ${e.attempt} resolving: ${safe(e.agent)} resolves the conflicts in ${e.files.map(safe).join(", ")} in ${safe(e.lane)}`;
    case "resolver-ended": {
      const cost = e.costUsd === undefined ? "" : `, ${formatUsd(e.costUsd)}`;
      const reason = e.reason === undefined ? "" : `: ${safe(e.reason)}`;
      return `${e.itemId} attempt ${e.attempt} resolver ${e.outcome} after ${formatDuration(e.durationMs / 1000)}${cost}${reason}`;
    }
    case "resolution-rejected":
      return `${e.itemId} attempt ${e.attempt} resolved merge rejected: ${safe(e.reason)}`;
    case "review-ended": {
      const defects =
        e.specDefects.length === 0
          ? ""
          : `; spec defects: ${e.specDefects.map((d) => `"${safe(d.criterion)}"`).join(", ")}`;
      return `${e.itemId} attempt ${e.attempt} review ${e.verdict}: ${safe(e.reason)}${defects}`;
    }
    case "item-added":
      return `${e.itemId} added: a follow-up of ${e.parent} for what it left (${safe(e.title)})`;
    case "contradiction":
      return `${e.itemId} attempt ${e.attempt} contradicts ${e.other}: ${safe(e.criterion)}`;
    case "budget-reached":
      return `budget reached (${formatUsd(e.costUsd)}, ${e.tokens} tokens): no new attempts start${e.hard ? "; running agents are stopped" : ""}`;
    case "landed":
      return `landed on ${e.base} at ${shortSha(e.commit)}`;
    case "land-skipped":
      return `not landed: ${safe(e.reason)}`;
    case "warning":
      return `warning: ${e.itemId === undefined ? "" : `${e.itemId}: `}${safe(e.message)}`;
    case "run-ended":
      return `run ${runId === undefined ? "" : `${runId} `}ended: ${e.status} (exit ${e.exitCode})`;
    default:
      return unreachable(e, "event");
  }
}

// Which events stay on a terminal as history above the redrawn block.
function isNotable(e: RunEvent): boolean {
  switch (e.type) {
    case "run-started":
    case "attempt-ended":
    case "merged":
    case "conflicts-predicted":
    case "merge-conflict":
    case "resolver-started":
    case "resolver-ended":
    case "resolution-rejected":
    case "review-ended":
    case "item-added":
    case "contradiction":
    case "budget-reached":
    case "landed":
    case "land-skipped":
    case "warning":
    case "run-ended":
      return true;
    case "gate-ended":
      return !e.passed;
    case "item-state":
      return e.state === "failed" || e.state === "blocked" || e.state === "cancelled";
    case "attempt-started":
    case "agent-exited":
      return false;
    default:
      return unreachable(e, "event");
  }
}

// Text from plans and agents on one line, without control characters that could move the cursor.
function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
}

function fit(line: string, columns: number | undefined): string {
  if (columns === undefined || columns < 2 || line.length < columns) return line;
  return `${line.slice(0, columns - 2)}…`;
}

function clock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

const realTimers: LiveViewTimers = {
  after: (ms, fn) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => {
      clearTimeout(t);
    };
  },
  every: (ms, fn) => {
    const t = setInterval(fn, ms);
    t.unref();
    return () => {
      clearInterval(t);
    };
  },
};
