// Runs the compiled test files with node's own test runner.
// Node 20's --test takes no globs, so we list the files here. Optional args filter by substring.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const root = "dist/test";
const filters = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith(".test.js") && (filters.length === 0 || filters.some((f) => p.includes(f))))
      files.push(p);
  }
})(root);
if (files.length === 0) {
  console.error(`no test files under ${root} match ${filters.join(" ") || "*"}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
