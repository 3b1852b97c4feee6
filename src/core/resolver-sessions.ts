// The resolvers of a run, read back from its event log: each `resolver-started` opens a session,
// `resolver-ended` closes it, and the merge queue's verdict on its merge follows (`merged` for the
// same item and attempt, or `resolution-rejected`). Pure; event data is stored JSON, so every field
// is checked before it is used.
import type { ReportResolver, ResolverReportOutcome } from "./report-types.js";
import type { EventRecord, JsonObject } from "./state-types.js";

/** Every resolver session of a run by item id, in the order they started. */
export function resolverSessions(events: readonly EventRecord[]): Map<string, ReportResolver[]> {
  const byItem = new Map<string, Session[]>();
  const find = (item: string, attempt: number): Session | undefined =>
    byItem.get(item)?.findLast((s) => s.attempt === attempt);
  for (const e of events) {
    const item = e.itemId ?? str(e.data, "itemId");
    const attempt = e.attempt ?? num(e.data, "attempt");
    if (item === undefined || attempt === undefined) continue;
    switch (e.type) {
      case "resolver-started": {
        const list = byItem.get(item) ?? [];
        list.push({
          attempt,
          agent: str(e.data, "agent") ?? "",
          files: strings(e.data, "files"),
          lane: str(e.data, "lane") ?? "",
          branch: str(e.data, "branch") ?? "",
          promptFile: str(e.data, "promptFile"),
          stdoutFile: str(e.data, "stdoutFile"),
          startedAt: e.at,
        });
        byItem.set(item, list);
        break;
      }
      case "resolver-ended": {
        const s = find(item, attempt);
        if (s === undefined) break;
        const outcome = str(e.data, "outcome");
        s.endedAt = e.at;
        s.outcome =
          outcome === "resolved" || outcome === "failed" || outcome === "cancelled" ? outcome : "failed";
        s.reason = str(e.data, "reason");
        s.head = str(e.data, "head");
        s.exitCode = num(e.data, "exitCode");
        s.costUsd = num(e.data, "costUsd");
        s.tokensIn = num(e.data, "tokensIn");
        s.tokensOut = num(e.data, "tokensOut");
        break;
      }
      case "resolution-rejected": {
        const s = find(item, attempt);
        if (s?.outcome !== "resolved") break;
        s.outcome = "rejected";
        s.reason = str(e.data, "reason");
        break;
      }
      case "merged": {
        const s = find(item, attempt);
        if (s?.outcome !== "resolved") break;
        s.outcome = "merged";
        s.mergedCommit = str(e.data, "commit");
        break;
      }
      default:
        break;
    }
  }
  return new Map([...byItem].map(([id, list]) => [id, list.map(toReport)]));
}

// A session as the fold builds it.
interface Session {
  readonly attempt: number;
  readonly agent: string;
  readonly files: readonly string[];
  readonly lane: string;
  readonly branch: string;
  readonly promptFile: string | undefined;
  readonly stdoutFile: string | undefined;
  readonly startedAt: string;
  endedAt?: string;
  outcome?: ResolverReportOutcome;
  reason?: string | undefined;
  head?: string | undefined;
  mergedCommit?: string | undefined;
  exitCode?: number | undefined;
  costUsd?: number | undefined;
  tokensIn?: number | undefined;
  tokensOut?: number | undefined;
}

function toReport(s: Session): ReportResolver {
  const ms = s.endedAt === undefined ? Number.NaN : Date.parse(s.endedAt) - Date.parse(s.startedAt);
  return {
    attempt: s.attempt,
    agent: s.agent,
    files: s.files,
    outcome: s.outcome ?? null,
    reason: s.reason ?? null,
    lane: s.lane,
    branch: s.branch,
    prompt_file: s.promptFile ?? null,
    stdout_file: s.stdoutFile ?? null,
    head_commit: s.head ?? null,
    merged_commit: s.mergedCommit ?? null,
    started_at: s.startedAt,
    ended_at: s.endedAt ?? null,
    duration_seconds: Number.isFinite(ms) ? Math.round(Math.max(0, ms)) / 1000 : null,
    exit_code: s.exitCode ?? null,
    cost_usd: s.costUsd ?? null,
    tokens_in: s.tokensIn ?? null,
    tokens_out: s.tokensOut ?? null,
  };
}

function str(data: JsonObject, key: string): string | undefined {
  const v = data[key];
  return typeof v === "string" ? v : undefined;
}

function num(data: JsonObject, key: string): number | undefined {
  const v = data[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function strings(data: JsonObject, key: string): string[] {
  const v = data[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
