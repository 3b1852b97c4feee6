// The real-history check: successive published versions of a real package are successive
// snapshots of its source, so each version-to-version diff is one real change. Every change runs as
// an item from the same base (the first version) at once — a `shell` agent applies its patch in its
// lane — and the real engine merges them through its queue and lands them. Then the landed tree is
// compared with the real last version, and each item's path through the queue (clean, trivial,
// resolver, fix-forward, or failed) is read from the report.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { openStateStore } from "../src/adapters/state/sqlite-store.js";
import { reportFromStore } from "../src/core/report.js";
import type { Report, ReportItem } from "../src/core/report-types.js";
import type { RunEvent } from "../src/core/events.js";
import { executeRun } from "../src/engine/run.js";
import { loadPlan } from "../src/plan/load.js";
import { APPLY_STEP_SCRIPT, RESOLVE_SCRIPT } from "./real-history-agent.js";
import { buildHistoryRepo, fetchVersions, versionRef } from "./real-history-source.js";
import type { BenchContext, BenchResult } from "./types.js";

const PKG = "kleur";
// 14 consecutive releases, 13 changes: 3.0.x edits index.js / kleur.d.ts / readme; 4.0.0 splits the
// code into colors.js, colors.mjs and index.mjs (which every later change edits); 4.0.1 adds an
// index.ts that 4.0.2 deletes; 4.1.1 replaces kleur.d.ts by index.d.ts and colors.d.ts; every
// release bumps the version line of package.json (and 4.0.3 → 4.1.5 a version string in the code).
const FULL = [
  "3.0.0",
  "3.0.1",
  "3.0.2",
  "3.0.3",
  "4.0.0",
  "4.0.1",
  "4.0.2",
  "4.0.3",
  "4.1.0",
  "4.1.1",
  "4.1.2",
  "4.1.3",
  "4.1.4",
  "4.1.5",
];
const QUICK = ["4.1.1", "4.1.2", "4.1.3", "4.1.4", "4.1.5"];

/** Which way an item went, read from the report. */
type Path = "clean" | "trivial" | "resolver" | "fix-forward" | "failed";
const PATHS: readonly Path[] = ["clean", "trivial", "resolver", "fix-forward", "failed"];

/** Runs the real history through the engine and compares the landed tree with the last version. */
export async function benchRealHistory(ctx: BenchContext): Promise<BenchResult> {
  const versions = ctx.quick ? QUICK : FULL;
  const title = "Real history: successive releases of a real package as concurrent items";
  const fetched = fetchVersions({
    pkg: PKG,
    versions,
    cacheDir: join(ctx.root, "bench/results/tmp/real-history"),
  });
  if (!fetched.ok) {
    return {
      title,
      markdown: `Skipped: the package registry is not reachable and the tarballs are not cached (${fetched.reason}).`,
    };
  }
  const scratch = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const work = mkdtempSync(join(scratch, "flotilla-bench-history-"));
  try {
    const repo = join(work, "repo");
    const patches = buildHistoryRepo({
      dir: repo,
      versions,
      tarballs: fetched.tarballs,
      patchDir: join(work, "patches"),
    });
    const script = join(work, "apply-step.sh");
    writeFileSync(script, APPLY_STEP_SCRIPT);
    const resolveScript = join(work, "resolve.sh");
    writeFileSync(resolveScript, RESOLVE_SCRIPT);
    const steps = patches.map((patch, i) => ({
      id: `step-${String(i + 1).padStart(2, "0")}`,
      from: versions[i]!,
      to: versions[i + 1]!,
      patch,
    }));
    const plan = [
      "version: 1",
      "name: history",
      "agent: shell",
      `max_parallel: ${steps.length}`,
      "retries: 0",
      "conflicts: allow",
      "land: merge",
      "merge:",
      "  resolver: keep-release",
      "agents:",
      "  keep-release:",
      `    command: ${JSON.stringify(["sh", resolveScript, "{prompt}"])}`,
      "items:",
      ...steps.flatMap((s) => [
        `  - id: ${s.id}`,
        `    title: ${JSON.stringify(`${PKG} ${s.from} → ${s.to}`)}`,
        `    run: ${JSON.stringify(["sh", script, s.patch, versionRef(s.from), versionRef(s.to), `${PKG} ${s.to}`].map(shq).join(" "))}`,
      ]),
    ].join("\n");
    const loaded = loadPlan({ file: "history.yaml", text: plan });
    if (!loaded.ok) throw new Error(`real-history plan invalid: ${JSON.stringify(loaded.error)}`);
    const mergeOrder: string[] = [];
    let queueConflicts = 0;
    const t0 = performance.now();
    const result = await executeRun({
      plan: loaded.value,
      cwd: repo,
      env: { ...process.env, FLOTILLA_DEPTH: "0", FLOTILLA_LANES_DIR: join(work, "lanes") },
      openStore: (file) => openStateStore({ file }),
      emit: (e: RunEvent) => {
        if (e.type === "merged") mergeOrder.push(e.itemId);
        if (e.type === "merge-conflict") queueConflicts += 1;
      },
    });
    const wallMs = performance.now() - t0;
    if (!result.ok) throw new Error(`real-history run refused: ${JSON.stringify(result.error)}`);
    const opened = openStateStore({ file: result.value.stateDb });
    if (!opened.ok) throw new Error(`state store: ${opened.error.message}`);
    let report: Report;
    try {
      const run = opened.value.getRun(result.value.runId);
      if (run === undefined) throw new Error(`run ${result.value.runId} not in the state store`);
      report = reportFromStore(opened.value, run);
    } finally {
      opened.value.close();
    }
    mkdirSync(join(ctx.root, "bench/results/tmp"), { recursive: true });
    writeFileSync(
      join(ctx.root, `bench/results/tmp/real-history${ctx.quick ? ".quick" : ""}.report.json`),
      JSON.stringify(report, null, 2),
    );
    const rows = steps.map((s) => {
      const item = report.items.find((i) => i.id === s.id);
      if (item === undefined) throw new Error(`${s.id} missing from the report`);
      const files = execFileSync(
        "git",
        ["diff", "--name-only", "--no-renames", versionRef(s.from), versionRef(s.to)],
        {
          cwd: repo,
          encoding: "utf8",
        },
      )
        .split("\n")
        .filter((f) => f !== "");
      return { step: s, item, path: pathOf(item), files };
    });
    const cmp = compareTrees({ repo, rev: "refs/heads/main", versions, rows, mergeOrder });
    const counts = new Map<Path, number>(PATHS.map((p) => [p, rows.filter((r) => r.path === p).length]));
    const landed = rows.filter((r) => r.item.status === "landed").length;
    const failed = rows.filter((r) => r.item.status !== "landed" && r.item.status !== "merged").length;
    const last = versions[versions.length - 1]!;
    const sessions = report.items.flatMap((i) => i.conflict.resolvers);
    const overtaken = sessions.filter((r) => r.reason?.includes("integration branch moved") === true).length;
    const resolvedAndMerged = sessions.filter((r) => r.outcome === "merged").length;
    const markdown = [
      `Package \`${PKG}\`, ${versions.length} consecutive releases from the registry (${versions.join(", ")}): ${steps.length} real changes (version k−1 → k), all started at once from ${versions[0]} (max_parallel ${steps.length}, \`retries: 0\`, \`merge.fix_forward\` ${loaded.value.merge.fixForward} (default), merge batch ${loaded.value.merge.batch}, no gates, \`land: merge\`). Each item is a \`shell\` agent that runs \`git apply --3way\` on its patch; a hunk that conflicts with the lane keeps the patch's side, and a patch git refuses outright (it edits a file the lane does not have yet) is merged per file against the two snapshots. Medium conflicts go to a scripted resolver (\`merge.resolver\`, a \`command\` profile) that keeps the release's side of each conflicting hunk and commits; heavy ones to fix-forward. ${fetched.downloaded === 0 ? "Tarballs from the cache (bench/results/tmp)." : `${fetched.downloaded} tarball(s) downloaded with \`npm pack\`.`}`,
      "",
      `Run status: **${report.run.status}** in ${(wallMs / 1000).toFixed(1)} s wall (agents Σ ${report.totals.agent_seconds.toFixed(1)} s, ${report.totals.attempts} attempts, ${queueConflicts} conflict(s) sent back by the merge queue). Landed: **${landed}** of ${steps.length}; failed or not merged: **${failed}**.`,
      "",
      `By path: ${PATHS.map((p) => `${p} ${counts.get(p) ?? 0}`).join(" · ")}. (clean/trivial: merged by the queue on the first attempt; resolver: merged with a medium conflict and no fresh attempt; fix-forward: merged after one or more fresh attempts from the integration head; failed: not merged.)`,
      "",
      `Resolver sessions: ${sessions.length}; merged: ${resolvedAndMerged}; resolved but overtaken (the integration branch moved while the resolver ran and the resolution conflicted again: a medium conflict gets another resolver, a heavy one goes to fix-forward): ${overtaken}; other endings: ${sessions.length - resolvedAndMerged - overtaken}. Nearly every release changes the \`version\` line of package.json, so a resolution is stale as soon as another release merges.`,
      "",
      cmp.equal
        ? `Landed tree of main vs the real ${last}: **identical** (${cmp.total} files, \`git ls-tree -r\` blob for blob).`
        : `Landed tree of main vs the real ${last}: **differs** in ${cmp.diffs.length} of ${cmp.total} file(s)${report.run.landed_commit === null ? " (nothing landed: main is still the base)" : ""}:`,
      ...cmp.diffs.map((d) => `- \`${d.path}\`: ${d.why}`),
      "",
      `Merge order on the integration branch: ${mergeOrder.length === 0 ? "(none)" : mergeOrder.join(" → ")}.`,
      "",
      "| item | change | status | path | conflict class (files) | attempts: outcome [class the queue found] (what the agent said) |",
      "|---|---|---|---|---|---|",
      ...rows
        .map((r) =>
          [
            r.step.id,
            `${r.step.from} → ${r.step.to}`,
            r.item.status,
            r.path,
            r.item.conflict.class === null
              ? "—"
              : `${r.item.conflict.class}${r.item.conflict.files.length > 0 ? ` (${r.item.conflict.files.join(", ")})` : ""}`,
            cell(r.item.attempts.map(attemptText).join("; "), 400),
          ].join(" | "),
        )
        .map((line) => `| ${line} |`),
      "",
      `The full report JSON is kept in bench/results/tmp/real-history${ctx.quick ? ".quick" : ""}.report.json. The merge order depends on which agent finishes first, so paths and the final tree can vary between runs.`,
    ].join("\n");
    return { title, markdown };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Which way the item went through the queue, from its status, conflict class and attempt outcomes.
function pathOf(item: ReportItem): Path {
  if (item.status !== "landed" && item.status !== "merged") return "failed";
  if (item.attempts.some((a) => a.outcome === "conflict") || item.fix_forwards_used > 0) return "fix-forward";
  switch (item.conflict.class) {
    case null:
    case "clean":
      return "clean";
    case "trivial":
      return "trivial";
    case "medium":
    case "heavy":
      return "resolver";
    default:
      return "clean";
  }
}

interface TreeDiff {
  readonly path: string;
  readonly why: string;
}

// `git ls-tree -r` of a commit as path → blob id.
function lsTree(repo: string, rev: string): Map<string, string> {
  const out = execFileSync("git", ["ls-tree", "-r", "-z", rev], {
    cwd: repo,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const map = new Map<string, string>();
  for (const rec of out.split("\0")) {
    if (rec === "") continue;
    const tab = rec.indexOf("\t");
    map.set(rec.slice(tab + 1), rec.slice(0, tab).split(" ")[2]!);
  }
  return map;
}

// Compares `rev`'s tree with the last version's, file by file, and says for each difference which
// release the landed file equals (an older one: a change was lost or undone) or what else it is.
function compareTrees(opts: {
  repo: string;
  rev: string;
  versions: readonly string[];
  rows: readonly { step: { id: string; to: string }; item: ReportItem; files: readonly string[] }[];
  mergeOrder: readonly string[];
}) {
  const { repo, rev, versions } = opts;
  const landed = lsTree(repo, rev);
  const last = versions[versions.length - 1]!;
  const want = lsTree(repo, versionRef(last));
  const snapshots = versions.map((v) => ({ v, tree: lsTree(repo, versionRef(v)) }));
  const paths = [...new Set([...landed.keys(), ...want.keys()])].sort();
  const diffs: TreeDiff[] = [];
  for (const p of paths) {
    const got = landed.get(p);
    const exp = want.get(p);
    if (got === exp) continue;
    if (got === undefined) {
      diffs.push({ path: p, why: `missing from the landed tree (${last} has it)` });
      continue;
    }
    const same = snapshots.filter((s) => s.tree.get(p) === got).map((s) => s.v);
    if (exp === undefined) {
      diffs.push({
        path: p,
        why: `in the landed tree but not in ${last}${same.length > 0 ? ` (the file as of ${same.join(", ")})` : ""}`,
      });
      continue;
    }
    const text = execFileSync("git", ["cat-file", "-p", got], {
      cwd: repo,
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
    const markers = /^<{7}( |$)/m.test(text) && /^>{7}( |$)/m.test(text);
    const stat = execFileSync("git", ["diff", "--numstat", exp, got], { cwd: repo, encoding: "utf8" })
      .trim()
      .split("\t");
    const lines = `${stat[0] ?? "?"} line(s) added, ${stat[1] ?? "?"} removed against ${last}`;
    diffs.push({
      path: p,
      why: markers
        ? `contains conflict markers (${lines})`
        : same.length > 0
          ? `equals the file as of ${same.join(", ")} (${lines}): ${lostBecause(p, same[same.length - 1]!, opts)}`
          : `a mix that equals no release (${lines})${firstDiff(repo, exp, got)}`,
    });
  }
  return { equal: diffs.length === 0, total: want.size, diffs };
}

// Why a landed file shows release \`shown\` rather than the last one: the later changes to it either
// did not merge, or merged before the item that produced \`shown\` and were undone by its fix-forward.
function lostBecause(
  file: string,
  shown: string,
  opts: {
    rows: readonly { step: { id: string; to: string }; item: ReportItem; files: readonly string[] }[];
    mergeOrder: readonly string[];
    versions: readonly string[];
  },
): string {
  const at = opts.versions.indexOf(shown);
  const later = opts.rows.filter((r) => opts.versions.indexOf(r.step.to) > at && r.files.includes(file));
  const producer = opts.rows.find((r) => r.step.to === shown);
  const why = later.map((r) => {
    if (r.item.status !== "landed" && r.item.status !== "merged")
      return `${r.step.id} (→ ${r.step.to}) did not merge`;
    const pos = opts.mergeOrder.indexOf(r.step.id);
    const after = opts.rows.filter(
      (o) =>
        o.files.includes(file) &&
        opts.versions.indexOf(o.step.to) < opts.versions.indexOf(r.step.to) &&
        opts.mergeOrder.indexOf(o.step.id) > pos,
    );
    return after.length > 0
      ? `${r.step.id} (→ ${r.step.to}) merged, then ${after.map((o) => o.step.id).join(", ")} (older change${after.length > 1 ? "s" : ""}) merged after it from a fresh attempt on top of it and put the older lines back`
      : `${r.step.id} (→ ${r.step.to}) merged but its lines did not survive`;
  });
  return why.length > 0
    ? why.join("; ")
    : `no later change to it${producer === undefined ? "" : ` after ${producer.step.id}`}`;
}

// The first changed lines between two blobs, for the Markdown (short).
function firstDiff(repo: string, a: string, b: string): string {
  const out = execFileSync("git", ["diff", "--no-color", "-U0", a, b], { cwd: repo, encoding: "utf8" });
  const changed = out
    .split("\n")
    .filter((l) => /^[-+][^-+]/.test(l))
    .slice(0, 4)
    .map((l) => `\`${l.slice(0, 70).replaceAll("`", "'")}\``);
  return changed.length === 0 ? "" : `; first changed lines: ${changed.join(" ")}`;
}

function cell(text: string, max = 140): string {
  const one = text.replaceAll("\n", " ").replaceAll("|", "\\|").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

// One attempt for the table: its outcome, the conflict class the queue found, and the agent's last
// line of output (how it applied its patch), read from its log before the scratch folder goes.
function attemptText(a: ReportItem["attempts"][number]): string {
  const cls = /^(\w+) merge conflict/.exec(a.reason ?? "")?.[1];
  let said = "";
  if (a.stdout_file !== null && existsSync(a.stdout_file)) {
    const lines = readFileSync(a.stdout_file, "utf8").trim().split("\n");
    said = (lines[lines.length - 1] ?? "").replace(/ \(error: .*\)$/, "");
  }
  return `${a.n}: ${a.outcome ?? "?"}${cls === undefined ? "" : ` [${cls}]`}${said === "" ? "" : ` (${said})`}`;
}

// One shell word: the paths come from mkdtemp and the refs from fixed version strings, but quote anyway.
function shq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
