// The chaos run: a 12-item plan of `shell` agents (dependencies, items that conflict, items that
// fail once, one that always fails and its blocked dependent) run once without interference, then
// again with the orchestrator SIGKILLed at seeded random moments and resumed each time. Then it
// checks what must hold: the same item outcomes, every commit any agent made still reachable, the
// same base tree, no process of the run alive, and no lanes after cleanup. Used by the CI test
// (few kills) and the long bench (many kills over several seeds).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../../bench/random.js";
import { isProcessAlive } from "../../src/adapters/process/group.js";
import { startFlotilla } from "./flotilla-process.js";

/** How one chaos run is set up. */
export interface ChaosOptions {
  /** A fresh, empty folder the run may fill (the caller removes it). */
  readonly dir: string;
  /** dist/src/cli/bin.js */
  readonly bin: string;
  readonly seed: number;
  /** How many times the orchestrator is killed (fewer when the run ends first). */
  readonly kills: number;
  /** Range of the wait before each kill, from the start of each orchestrator. */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly log?: (line: string) => void;
}

/** What a chaos run found. */
export interface ChaosResult {
  /** Kills actually delivered to a running orchestrator. */
  readonly kills: number;
  /** Orchestrators started in the killed repository (the first run, then each resume). */
  readonly runs: number;
  /** Broken invariants, in words; empty when all held. */
  readonly problems: readonly string[];
  readonly statuses: Readonly<Record<string, string>>;
}

const ITEMS = `
items:
  - {id: a, title: A, run: "sh \\"$CHAOS/agent.sh\\" write a"}
  - {id: b, title: B, depends_on: [a], run: "sh \\"$CHAOS/agent.sh\\" dep b a"}
  - {id: c, title: C, run: "sh \\"$CHAOS/agent.sh\\" two c"}
  - {id: d, title: D, depends_on: [b, c], run: "sh \\"$CHAOS/agent.sh\\" dep d c"}
  - {id: e, title: E, run: "sh \\"$CHAOS/agent.sh\\" flaky e"}
  - {id: f, title: F, depends_on: [e], run: "sh \\"$CHAOS/agent.sh\\" dep f e"}
  - {id: g, title: G, run: "sh \\"$CHAOS/agent.sh\\" fail g"}
  - {id: h, title: H, depends_on: [g], run: "sh \\"$CHAOS/agent.sh\\" write h"}
  - {id: s1, title: S1, run: "sh \\"$CHAOS/agent.sh\\" shared s1"}
  - {id: s2, title: S2, run: "sh \\"$CHAOS/agent.sh\\" shared s2"}
  - {id: s3, title: S3, run: "sh \\"$CHAOS/agent.sh\\" shared s3"}
  - {id: k, title: K, run: "sh \\"$CHAOS/agent.sh\\" flaky k"}
`;

// The agents: every start logs its pid, every commit its sha (outside the repository).
const AGENT = `#!/bin/sh
set -e
M="$CHAOS"
echo $$ >> "$M/pids"
kind=$1; name=$2
sleep 0.2
commit() { git add -A && git commit -qm "$1" && git rev-parse HEAD >> "$M/commits"; }
case $kind in
  write) echo "$name" > "$name.txt"; commit "$name" ;;
  dep) cat "$3.txt" > "$name.txt"; echo "$name" >> "$name.txt"; commit "$name" ;;
  two) echo one > "$name.txt"; commit "$name one"; sleep 0.2; echo two >> "$name.txt"; commit "$name two" ;;
  flaky)
    if [ ! -e "$M/flaky-$name" ]; then touch "$M/flaky-$name"; echo "$name half" > "$name.half"; commit "$name half"; exit 1; fi
    echo "$name" > "$name.txt"; commit "$name" ;;
  fail) echo "$name tried" > "$name.try"; commit "$name try"; exit 1 ;;
  shared)
    names=$(sed -n 's/^names://p' shared.txt)
    line=$(printf '%s\\n' $names "$name" | sort -u | tr '\\n' ' ')
    printf 'names: %s\\n' "$line" > shared.txt
    commit "$name shared" ;;
esac
`;

/** Runs the no-kill baseline and the killed run side by side and checks the invariants. */
export async function chaosRun(opts: ChaosOptions): Promise<ChaosResult> {
  const log = opts.log ?? (() => undefined);
  const random = seededRandom(opts.seed);
  const baseline = setUp(join(opts.dir, "baseline"));
  const baseEnd = await flotilla(opts.bin, baseline, ["run", "plan.yaml"]);
  if (baseEnd.code !== 1) throw new Error(`the baseline run ended with ${baseEnd.code}: ${baseEnd.stderr}`);
  const expected = statuses(opts.bin, baseline);
  const expectedTree = gitOut(baseline.repo, "rev-parse", "main^{tree}");

  const chaos = setUp(join(opts.dir, "chaos"));
  let kills = 0;
  let runs = 0;
  let finished = false;
  for (let k = 0; k <= opts.kills && !finished; k++) {
    // A kill before the run was recorded leaves nothing to resume: that one starts over.
    const args = k > 0 && hasRun(opts.bin, chaos) ? ["resume"] : ["run", "plan.yaml"];
    runs += 1;
    if (k === opts.kills) {
      const end = await flotilla(opts.bin, chaos, args);
      if (end.code !== 1) throw new Error(`the last resume ended with ${end.code}: ${end.stderr}`);
      finished = true;
      break;
    }
    const delay = opts.minDelayMs + random() * (opts.maxDelayMs - opts.minDelayMs);
    const proc = start(opts.bin, chaos, args);
    const timer = setTimeout(() => proc.child.kill("SIGKILL"), delay);
    const end = await proc.done;
    clearTimeout(timer);
    if (end.signal === "SIGKILL") {
      kills += 1;
      log(`seed ${opts.seed}: killed after ${Math.round(delay)} ms (kill ${kills})`);
    } else if (end.code === 1) {
      finished = true;
    } else {
      throw new Error(`flotilla ${args.join(" ")} ended with ${end.code}: ${end.stderr}`);
    }
  }
  const problems: string[] = [];
  const got = statuses(opts.bin, chaos);
  for (const [id, status] of Object.entries(expected)) {
    if (got[id] !== status) problems.push(`${id} ended ${got[id] ?? "missing"}, without kills ${status}`);
  }
  const tree = gitOut(chaos.repo, "rev-parse", "main^{tree}");
  if (tree !== expectedTree)
    problems.push(`the base tree ${tree} differs from the no-kill run's ${expectedTree}`);
  problems.push(...unreachable(chaos, "before cleanup"));
  const alive = pids(chaos).filter((p) => isProcessAlive(p));
  if (alive.length > 0) problems.push(`processes of the run still alive: ${alive.join(", ")}`);
  const cleaned = await flotilla(opts.bin, chaos, ["cleanup", "--force"]);
  if (cleaned.code !== 0) problems.push(`cleanup exited ${cleaned.code}: ${cleaned.stderr}`);
  const lanesLeft = lanes(chaos);
  if (lanesLeft.length > 0) problems.push(`lanes left after cleanup: ${lanesLeft.join(", ")}`);
  problems.push(...unreachable(chaos, "after cleanup"));
  return { kills, runs, problems, statuses: got };
}

interface Setup {
  readonly repo: string;
  readonly marks: string;
  readonly lanes: string;
}

function setUp(root: string): Setup {
  const s = { repo: join(root, "repo"), marks: join(root, "marks"), lanes: join(root, "lanes") };
  for (const d of Object.values(s)) mkdirSync(d, { recursive: true });
  writeFileSync(join(s.marks, "agent.sh"), AGENT);
  writeFileSync(join(s.marks, "pids"), "");
  writeFileSync(join(s.marks, "commits"), "");
  const git = (...args: string[]) => gitOut(s.repo, ...args);
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Chaos");
  git("config", "user.email", "chaos@flotilla.invalid");
  git("config", "gc.auto", "0");
  git("config", "commit.gpgsign", "false");
  writeFileSync(join(s.repo, "README.md"), "# chaos\n");
  writeFileSync(join(s.repo, "shared.txt"), "names:\n");
  writeFileSync(
    join(s.repo, "plan.yaml"),
    `version: 1\nname: chaos\nagent: shell\nretries: 1\nmax_parallel: 3\ntimeout: 120s\n${ITEMS}`,
  );
  git("add", "-A");
  git("commit", "-qm", "initial");
  return s;
}

function env(s: Setup): NodeJS.ProcessEnv {
  return { ...process.env, FLOTILLA_DEPTH: "0", FLOTILLA_LANES_DIR: s.lanes, CHAOS: s.marks };
}

function start(bin: string, s: Setup, args: readonly string[]) {
  return startFlotilla({ bin, cwd: s.repo, args, env: env(s) });
}

function flotilla(bin: string, s: Setup, args: readonly string[]) {
  return start(bin, s, args).done;
}

function hasRun(bin: string, s: Setup): boolean {
  try {
    execFileSync(process.execPath, [bin, "report", "--json"], { cwd: s.repo, env: env(s), stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function statuses(bin: string, s: Setup): Record<string, string> {
  const out = execFileSync(process.execPath, [bin, "report", "--json"], {
    cwd: s.repo,
    env: env(s),
    encoding: "utf8",
  });
  const report = JSON.parse(out) as { items: { id: string; status: string }[] };
  return Object.fromEntries(report.items.map((i) => [i.id, i.status]));
}

// Every commit an agent logged must be reachable from the base branch or a ref that keeps work.
function unreachable(s: Setup, when: string): string[] {
  const commits = readFileSync(join(s.marks, "commits"), "utf8")
    .split("\n")
    .filter((l) => l !== "");
  const refs = gitOut(s.repo, "for-each-ref", "--format=%(objectname)", "refs/heads/", "refs/flotilla/")
    .split("\n")
    .filter((l) => l !== "");
  const reachable = new Set(gitOut(s.repo, "rev-list", ...new Set(refs)).split("\n"));
  const lost = [...new Set(commits)].filter((c) => !reachable.has(c));
  return lost.length === 0
    ? []
    : [`${lost.length} agent commit(s) unreachable ${when}: ${lost.slice(0, 5).join(", ")}`];
}

function pids(s: Setup): number[] {
  return readFileSync(join(s.marks, "pids"), "utf8")
    .split("\n")
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
}

// Lane folders left under the lanes root (each run's folder holds its lanes).
function lanes(s: Setup): string[] {
  if (!existsSync(s.lanes)) return [];
  return readdirSync(s.lanes, { recursive: true, withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(e.parentPath, e.name, ".git")))
    .map((e) => join(e.parentPath, e.name));
}

function gitOut(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).trim();
}
