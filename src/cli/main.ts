// Argument parsing for every command. Each command's module is imported only when it runs,
// so `flotilla check` never loads SQLite and `flotilla status` never loads the YAML parser.
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { readFileSync } from "node:fs";
import { ExitCode } from "./exit-codes.js";
import { processIO, type CliIO } from "./io.js";

/** Parses argv, runs one command, and returns the exit code (bin.ts exits with it). */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let code: number = ExitCode.ok;
  const program = new Command("flotilla")
    .description("Run a plan of coding work with a fleet of AI coding agents, each in its own git worktree.")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(run `flotilla --help` for usage)");

  program
    .command("init")
    .description("write a commented example plan (plan.yaml) and a .worktreeinclude")
    .option("-f, --force", "overwrite existing files")
    .argument("[file]", "where to write the plan", "plan.yaml")
    .action(async (file: string, opts: { force?: boolean }) => {
      const { initCommand } = await import("./commands/init.js");
      code = initCommand({ io, file, force: opts.force === true });
    });

  program
    .command("check")
    .description("validate a plan; print its DAG, critical path, conflict groups and waves")
    .argument("<plan>", "the plan file")
    .addOption(new Option("--json", "print the summary as one JSON object").conflicts("mermaid"))
    .option("--mermaid", "print the DAG as a mermaid graph")
    .action(async (plan: string, opts: { json?: boolean; mermaid?: boolean }) => {
      const { checkCommand } = await import("./commands/check.js");
      code = checkCommand({
        io,
        planFile: plan,
        format: opts.json === true ? "json" : opts.mermaid === true ? "mermaid" : "text",
      });
    });

  program
    .command("run")
    .description("execute a plan: lanes, agents, gates, merge queue, land")
    .argument("<plan>", "the plan file")
    .option("--max-parallel <n>", "override max_parallel", positiveInt)
    .option("--agent <profile>", "override the default agent profile")
    .addOption(new Option("--land <mode>", "override land").choices(["merge", "ff", "none"]))
    .option("--dry-run", "validate and print what would run, then stop")
    .addOption(
      new Option("--restart", "start over even if an unfinished run of this plan exists").conflicts("resume"),
    )
    .option("--resume", "continue this plan's unfinished run")
    .option("--allow-nested", "allow running inside a flotilla lane")
    .option("--no-followups", "add no follow-up item for what a STATUS: PARTIAL agent left")
    .option("--hard-budget", "when the budget is spent, stop running agents too (not only new attempts)")
    .option("--json", "print the final report as JSON")
    .action(async (plan: string, opts: RunFlags) => {
      const { runCommand } = await import("./commands/run.js");
      code = await runCommand({ io, planFile: plan, flags: opts });
    });

  program
    .command("resume")
    .description("continue an interrupted run (default: the newest unfinished one)")
    .argument("[run]", "run id")
    .option("--json", "print the final report as JSON")
    .action(async (run: string | undefined, opts: { json?: boolean }) => {
      const { resumeCommand } = await import("./commands/resume.js");
      code = await resumeCommand({ io, runId: run, json: opts.json === true });
    });

  program
    .command("status")
    .description("the live state of a run, from any terminal")
    .argument("[run]", "run id (default: the newest)")
    .option("--json", "print as JSON")
    .action(async (run: string | undefined, opts: { json?: boolean }) => {
      const { statusCommand } = await import("./commands/status.js");
      code = await statusCommand({ io, runId: run, json: opts.json === true });
    });

  program
    .command("report")
    .description("the report of a run")
    .argument("[run]", "run id (default: the newest)")
    .option("--json", "print as JSON")
    .action(async (run: string | undefined, opts: { json?: boolean }) => {
      const { reportCommand } = await import("./commands/report.js");
      code = await reportCommand({ io, runId: run, json: opts.json === true });
    });

  program
    .command("cleanup")
    .description("remove lanes whose work is safe (landed or merged); --force also removes failed lanes")
    .argument("[run]", "run id (default: every run)")
    .option("--force", "also remove lanes of failed items (their refs stay)")
    .option("--dry-run", "list what would be removed; change nothing")
    .action(async (run: string | undefined, opts: { force?: boolean; dryRun?: boolean }) => {
      const { cleanupCommand } = await import("./commands/cleanup.js");
      code = await cleanupCommand({
        io,
        runId: run,
        force: opts.force === true,
        dryRun: opts.dryRun === true,
      });
    });

  program
    .command("demo")
    .description("the whole flow on a scratch repository with scripted agents")
    .option("--keep", "keep the scratch repository and print where it is")
    .action(async (opts: { keep?: boolean }) => {
      const { demoCommand } = await import("./commands/demo.js");
      code = await demoCommand({ io, keep: opts.keep === true });
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 2.
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    throw e;
  }
  return code;
}

/** Flags of `flotilla run`, as commander parses them. */
export interface RunFlags {
  readonly maxParallel?: number;
  readonly agent?: string;
  readonly land?: "merge" | "ff" | "none";
  readonly dryRun?: boolean;
  readonly restart?: boolean;
  readonly resume?: boolean;
  readonly allowNested?: boolean;
  /** false with --no-followups. */
  readonly followups?: boolean;
  readonly hardBudget?: boolean;
  readonly json?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`not a positive integer: ${value}`);
  return n;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}
