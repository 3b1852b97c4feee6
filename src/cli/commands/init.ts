// `flotilla init`: a commented example plan and a .worktreeinclude, so a new user starts from
// something valid rather than from the docs.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ExitCode } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { EXAMPLE_PLAN, EXAMPLE_WORKTREEINCLUDE } from "./init-templates.js";

/** Writes the example files; refuses to overwrite unless forced. */
export function initCommand(opts: { io: CliIO; file: string; force: boolean }): number {
  const { io } = opts;
  const targets = [
    { path: resolve(io.cwd, opts.file), shown: opts.file, text: EXAMPLE_PLAN, always: true },
    {
      path: resolve(io.cwd, ".worktreeinclude"),
      shown: ".worktreeinclude",
      text: EXAMPLE_WORKTREEINCLUDE,
      always: false,
    },
  ];
  const plan = targets[0]!;
  if (existsSync(plan.path) && !opts.force) {
    io.err(`${plan.shown} already exists; use --force to overwrite it.\n`);
    return ExitCode.usage;
  }
  for (const t of targets) {
    if (!t.always && existsSync(t.path)) {
      io.out(`kept ${t.shown} (already there)\n`);
      continue;
    }
    try {
      mkdirSync(dirname(t.path), { recursive: true });
      writeFileSync(t.path, t.text);
    } catch (e) {
      io.err(`${t.shown}: error: cannot write it: ${(e as Error).message}\n`);
      return ExitCode.usage;
    }
    io.out(`wrote ${t.shown}\n`);
  }
  io.out(`\nnext: edit ${opts.file}, then\n  flotilla check ${opts.file}\n  flotilla run ${opts.file}\n`);
  return ExitCode.ok;
}
