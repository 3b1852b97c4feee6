// Reads the agent's own verdict from its last message: a final `STATUS: …` line and a `NOTES:` section.

/** What an agent said about its work; both parts are optional because agents forget. */
export interface AgentReport {
  readonly status?: AgentStatus;
  readonly notes?: string;
  /** What follows the status word on its line ("STATUS: BLOCKED the API key is missing"). */
  readonly statusDetail?: string;
}

/** The verdicts an agent may give; BLOCKED means its work must not count. */
export type AgentStatus = "COMPLETE" | "PARTIAL" | "BLOCKED";

// Tolerates markdown decoration the models like to add: "**STATUS:** COMPLETE", "- STATUS: `BLOCKED`".
const STATUS_LINE = /^[\s>*_`#-]*STATUS[*_`]*\s*:[\s*_`]*(COMPLETE|PARTIAL|BLOCKED)\b[*_`]*[\s:—–-]*(.*)$/i;
const NOTES_LINE = /^[\s>*_`#-]*NOTES[*_`]*\s*:[*_`]*\s?(.*)$/i;

/** Finds the last STATUS line and the last NOTES section (up to a STATUS line or the end). */
export function parseAgentReport(text: string): AgentReport {
  const lines = text.split(/\r?\n/);
  let status: AgentStatus | undefined;
  let statusDetail: string | undefined;
  let statusAt = -1;
  let notesAt = -1;
  lines.forEach((line, i) => {
    const s = STATUS_LINE.exec(line);
    if (s?.[1] !== undefined) {
      status = s[1].toUpperCase() as AgentStatus;
      const detail = (s[2] ?? "").trim();
      statusDetail = detail === "" ? undefined : detail;
      statusAt = i;
    }
    if (NOTES_LINE.test(line)) notesAt = i;
  });
  let notes: string | undefined;
  if (notesAt >= 0) {
    const end = statusAt > notesAt ? statusAt : lines.length;
    const first = NOTES_LINE.exec(lines[notesAt] ?? "")?.[1] ?? "";
    const body = [first, ...lines.slice(notesAt + 1, end)].join("\n").trim();
    if (body !== "") notes = body;
  }
  return {
    ...(status === undefined ? {} : { status }),
    ...(notes === undefined ? {} : { notes }),
    ...(statusDetail === undefined ? {} : { statusDetail }),
  };
}
