// Turns zod's validation issues into plan diagnostics located at the offending key or value, with messages
// written for the person editing the plan (what is wrong, what was expected, a likely intended spelling).

import type * as z from "zod";
import { WHOLE_NUMBER } from "./schema.js";
import { suggest } from "./suggest.js";
import type { Diagnostic } from "./types.js";
import { diagnostic, keySpan, spelledKey, valueSpan, type Path, type PlanSource } from "./yaml-source.js";

/** What a mapping at some path is called in messages, and which keys it takes. */
export interface MappingInfo {
  readonly noun: string;
  readonly keys: readonly string[];
}

/** How one source format describes itself to the issue translator. */
export interface IssueContext {
  readonly src: PlanSource;
  /** The plain data that was validated (keys as the schema sees them). */
  readonly data: unknown;
  /** Names the mapping at a path (for unknown and missing keys). */
  readonly mapping: (path: Path) => MappingInfo;
  /** True when keys must be snake_case (kebab-case spellings then get a specific hint). */
  readonly snakeOnly: boolean;
  /** A format's own message for an issue, or undefined to use the general one. */
  readonly special?: (issue: z.core.$ZodIssue, path: Path, value: unknown) => Diagnostic | undefined;
}

/** Keys whose values are durations, so a wrong type can say what a duration looks like. */
const DURATION_KEYS = new Set(["timeout", "estimate", "probe_interval"]);

/** Translates every zod issue into diagnostics (an unknown-keys issue gives one diagnostic per key). */
export function issuesToDiagnostics(ctx: IssueContext, issues: readonly z.core.$ZodIssue[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) translate(ctx, issue, [], out);
  return out;
}

function translate(ctx: IssueContext, issue: z.core.$ZodIssue, prefix: Path, out: Diagnostic[]): void {
  const path: Path = [...prefix, ...issue.path.filter(isSegment)];
  const value = valueAt(ctx.data, path);
  const special = ctx.special?.(issue, path, value);
  if (special) {
    out.push(special);
    return;
  }
  const { src } = ctx;
  switch (issue.code) {
    case "unrecognized_keys": {
      const info = ctx.mapping(path);
      for (const key of issue.keys) {
        const spelled = spelledKey(src, [...path, key]);
        out.push(diagnostic(keySpan(src, [...path, key]), unknownKeyMessage(ctx, spelled, info)));
      }
      return;
    }
    case "invalid_type": {
      if (value === undefined) {
        const key = path[path.length - 1];
        const parent = path.slice(0, -1);
        const info = ctx.mapping(parent);
        out.push(
          diagnostic(valueSpan(src, parent), `missing required key ${q(String(key))} in ${info.noun}`),
        );
        return;
      }
      const type = issue.message === WHOLE_NUMBER ? "int" : issue.expected;
      out.push(
        diagnostic(
          valueSpan(src, path),
          `${label(ctx, path)} must be ${expected(type, path)}, got ${kind(value)}`,
        ),
      );
      return;
    }
    case "invalid_value": {
      const options = issue.values.map(String);
      const hint = typeof value === "string" ? suggest(value, options) : undefined;
      const tail = hint !== undefined ? `did you mean ${q(hint)}?` : `expected one of: ${options.join(", ")}`;
      out.push(
        diagnostic(valueSpan(src, path), `invalid value ${show(value)} for ${label(ctx, path)}; ${tail}`),
      );
      return;
    }
    case "too_small": {
      const span = valueSpan(src, path);
      if (issue.origin === "string" || issue.origin === "array" || issue.origin === "set") {
        out.push(diagnostic(span, `${label(ctx, path)} must not be empty`));
      } else {
        const bound = issue.inclusive === false ? "greater than" : "at least";
        out.push(
          diagnostic(
            span,
            `${label(ctx, path)} must be ${bound} ${String(issue.minimum)}, got ${show(value)}`,
          ),
        );
      }
      return;
    }
    case "too_big": {
      const bound = issue.inclusive === false ? "less than" : "at most";
      out.push(
        diagnostic(
          valueSpan(src, path),
          `${label(ctx, path)} must be ${bound} ${String(issue.maximum)}, got ${show(value)}`,
        ),
      );
      return;
    }
    case "invalid_union": {
      // Follow the branch whose type matched (e.g. a mapping criterion with an unknown key); otherwise the
      // value has none of the accepted types.
      const matched = issue.errors.find(
        (branch) => !branch.some((i) => i.code === "invalid_type" && i.path.length === 0),
      );
      if (matched) {
        for (const inner of matched) translate(ctx, inner, path, out);
        return;
      }
      const types = issue.errors.map((branch) => {
        const first = branch[0];
        return first?.code === "invalid_type" ? expected(first.expected, path) : "something else";
      });
      out.push(
        diagnostic(
          valueSpan(src, path),
          `${label(ctx, path)} must be ${types.join(" or ")}, got ${kind(value)}`,
        ),
      );
      return;
    }
    case "custom": {
      const params = (issue.params ?? {}) as { kind?: string; reason?: string };
      const reason = params.reason ?? issue.message;
      const span = valueSpan(src, path);
      if (params.kind === "id") {
        const what = path[path.length - 1] === "name" && path.length === 1 ? "plan name" : "id";
        out.push(diagnostic(span, `invalid ${what} ${show(value)}: ${reason}`));
      } else if (params.kind === "duration") {
        out.push(diagnostic(span, `invalid duration ${show(value)} for ${label(ctx, path)}: ${reason}`));
      } else if (params.kind === "branch") {
        out.push(diagnostic(span, `invalid branch name ${show(value)} for ${label(ctx, path)}: ${reason}`));
      } else {
        out.push(diagnostic(span, `${label(ctx, path)}: ${reason}`));
      }
      return;
    }
    case "invalid_format":
    case "not_multiple_of":
    case "invalid_key":
    case "invalid_element":
      out.push(diagnostic(valueSpan(src, path), `${label(ctx, path)}: ${issue.message}`));
      return;
  }
}

/** The message for a key the mapping does not take, with the closest valid key when there is one. */
export function unknownKeyMessage(
  ctx: Pick<IssueContext, "snakeOnly">,
  spelled: string,
  info: MappingInfo,
): string {
  const head = `unknown key ${q(spelled)} in ${info.noun}`;
  const hint = suggest(spelled, info.keys);
  if (hint === undefined) return `${head}; expected one of: ${info.keys.join(", ")}`;
  if (ctx.snakeOnly && spelled.includes("-") && spelled.replaceAll("-", "_") === hint) {
    return `${head}; keys are snake_case: did you mean ${q(hint)}?`;
  }
  // In formats that take both spellings, answer in the user's own style.
  const styled = !ctx.snakeOnly && spelled.includes("-") ? hint.replaceAll("_", "-") : hint;
  return `${head}; did you mean ${q(styled)}?`;
}

/** How a value at a path is named in messages: `"title"`, or `each entry of "depends_on"`. */
export function label(ctx: Pick<IssueContext, "src">, path: Path): string {
  const last = path[path.length - 1];
  if (typeof last === "number") {
    const owner = path.slice(0, -1);
    return owner.length === 0 ? "each entry" : `each entry of ${q(spelledKey(ctx.src, owner))}`;
  }
  if (last === undefined) return "the plan";
  return q(spelledKey(ctx.src, path));
}

function expected(type: string, path: Path): string {
  const last = path[path.length - 1];
  if (type === "string" && typeof last === "string" && DURATION_KEYS.has(last)) {
    return "a duration such as 90s, 20m or 2h";
  }
  switch (type) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "int":
      return "a whole number";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
    case "record":
      return "a mapping";
    default:
      return type;
  }
}

/** What kind of YAML value the user wrote, for "got ..." in messages. */
export function kind(value: unknown): string {
  if (value === null || value === undefined) return "nothing (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `a string (${q(value)})`;
  if (typeof value === "number") {
    return Number.isInteger(value) ? `a number (${String(value)})` : `a fractional number (${String(value)})`;
  }
  if (typeof value === "boolean") return String(value);
  return typeof value === "object" ? "a mapping" : typeof value;
}

/** A value quoted for a message: strings in JSON quotes (control characters escaped), others as written. */
export function show(value: unknown): string {
  if (typeof value === "string") return q(value);
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return Array.isArray(value) ? "a list" : "a mapping";
}

/** Quotes text for a message, escaping control characters. */
export function q(text: string): string {
  return JSON.stringify(text);
}

/** The plain value at a path, or undefined when the path does not exist. */
export function valueAt(data: unknown, path: Path): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function isSegment(seg: PropertyKey): seg is string | number {
  return typeof seg === "string" || typeof seg === "number";
}
