#!/usr/bin/env node
// The `flotilla` executable. Start-up is lazy: `--version` reads package.json and nothing else;
// every other command loads only the modules it needs. The one place that calls process.exit.
import { readFileSync } from "node:fs";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  process.stdout.write(`${pkg.version}\n`);
} else {
  const { main } = await import("./main.js");
  const code = await main(argv);
  // Let pending stdout writes drain before leaving (pipes are async in Node).
  process.stdout.write("", () => process.exit(code));
}
