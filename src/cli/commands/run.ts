// `flotilla run PLAN`: flags override plan keys, then the run goes on in this terminal.
import { summarizePlan } from "../../core/plan-summary.js";
import type { Plan } from "../../plan/types.js";
import { ExitCode } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { loadPlanForCli } from "../load-plan-for-cli.js";
import type { RunFlags } from "../main.js";
import { renderCheckText } from "../render/check-text.js";
import { runSession } from "../run-session.js";

/** Runs `run`; returns the contract's exit code. */
export async function runCommand(opts: { io: CliIO; planFile: string; flags: RunFlags }): Promise<number> {
  const { io, flags } = opts;
  const loaded = loadPlanForCli(io, opts.planFile);
  if (loaded === undefined) return ExitCode.usage;
  const plan = applyFlags(io, loaded, flags);
  if (plan === undefined) return ExitCode.usage;
  if (flags.dryRun === true) {
    io.out(renderCheckText(summarizePlan(plan)));
    io.out(
      `\ndry run: ${plan.items.length} items would run with at most ${plan.maxParallel} at once (${plan.schedule}); land: ${plan.land}. Nothing was started.\n`,
    );
    return ExitCode.ok;
  }
  return runSession({
    io,
    plan,
    cwd: io.cwd,
    restart: flags.restart === true,
    ...(flags.resume === true ? { resume: {} } : {}),
    allowNested: flags.allowNested === true,
    json: flags.json === true,
    engineOptions: { followUps: flags.followups !== false, hardBudget: flags.hardBudget === true },
    overrides: {
      ...(flags.maxParallel === undefined ? {} : { max_parallel: flags.maxParallel }),
      ...(flags.agent === undefined ? {} : { agent: flags.agent }),
      ...(flags.land === undefined ? {} : { land: flags.land }),
      ...(flags.followups === false ? { followups: false } : {}),
      ...(flags.hardBudget === true ? { hard_budget: true } : {}),
    },
  });
}

// --max-parallel, --agent and --land override the plan's keys; --agent replaces the default
// profile (items that named the same profile explicitly are switched too: the plan does not say which did).
function applyFlags(io: CliIO, plan: Plan, flags: RunFlags): Plan | undefined {
  let next: Plan = plan;
  if (flags.maxParallel !== undefined) next = { ...next, maxParallel: flags.maxParallel };
  if (flags.land !== undefined) next = { ...next, land: flags.land };
  if (flags.agent !== undefined) {
    const agent = flags.agent;
    if (next.agents[agent] === undefined) {
      io.err(
        `flotilla: error: --agent ${agent}: no such agent profile (known: ${Object.keys(next.agents).sort().join(", ")})\n`,
      );
      return undefined;
    }
    const shellOnly = next.items.filter(
      (i) => i.agent === plan.agent && agent === "shell" && i.run === undefined,
    );
    if (shellOnly.length > 0) {
      io.err(
        `flotilla: error: --agent shell: items ${shellOnly.map((i) => i.id).join(", ")} have no \`run:\` command\n`,
      );
      return undefined;
    }
    next = { ...next, agent, items: next.items.map((i) => (i.agent === plan.agent ? { ...i, agent } : i)) };
  }
  return next;
}
