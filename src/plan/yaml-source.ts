// A parsed YAML plan that remembers where every node came from, so any problem can be reported at the
// exact line and column of the key or value it is about.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { err, ok, type Result } from "../util/result.js";
import type { Diagnostic, SourceLocation } from "./types.js";

/** One step into the data: a mapping key or a list index. */
export type PathSegment = string | number;
/** Where a value sits in the document, from the root. */
export type Path = readonly PathSegment[];

/** A stretch of source to point at. */
export interface Span {
  readonly loc: SourceLocation;
  readonly length: number;
}

/** A parsed plan document with its positions. `foldKey` says how keys compare (e.g. kebab = snake). */
export interface PlanSource {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly foldKey: (key: string) => string;
}

/** Parses YAML text, keeping positions; a syntax error becomes a diagnostic at the parser's position. */
export function parseYaml(file: string, text: string): Result<PlanSource, Diagnostic[]> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const seenLines = new Set<number>();
    const diags: Diagnostic[] = [];
    for (const e of doc.errors) {
      const loc = position(file, lineCounter, e.pos[0]);
      // One problem often yields several parser errors on the same line; the first says it best.
      if (seenLines.has(loc.line)) continue;
      seenLines.add(loc.line);
      diags.push(diagnostic({ loc, length: Math.max(1, e.pos[1] - e.pos[0]) }, `invalid YAML: ${e.message}`));
    }
    return err(diags);
  }
  return ok({ file, doc, lineCounter, foldKey: (k) => k });
}

/** What a path leads to: the value node, the key node naming it, and the node that holds it. */
export interface Found {
  /** The node at the path, if the whole path exists. */
  readonly value: Node | undefined;
  /** The key node of the last segment, when it is a mapping key that exists. */
  readonly key: Node | undefined;
  /** The deepest node reached while following the path (the holder of a missing key). */
  readonly reached: Node | undefined;
}

/** Follows a path through the document's nodes. */
export function find(src: PlanSource, path: Path): Found {
  let node = deref(src, src.doc.contents ?? undefined);
  let key: Node | undefined;
  for (const seg of path) {
    if (node === undefined) return { value: undefined, key: undefined, reached: undefined };
    if (typeof seg === "number" && isSeq(node)) {
      const next = node.items[seg];
      if (next === undefined) return { value: undefined, key: undefined, reached: node };
      key = undefined;
      node = deref(src, next as Node);
      continue;
    }
    if (isMap(node)) {
      const want = src.foldKey(String(seg));
      const pair = node.items.find((p) => src.foldKey(keyText(p.key)) === want);
      if (pair === undefined) return { value: undefined, key: undefined, reached: node };
      key = pair.key as Node;
      node = deref(src, (pair.value ?? undefined) as Node | undefined);
      if (node === undefined) return { value: undefined, key, reached: key };
      continue;
    }
    return { value: undefined, key: undefined, reached: node };
  }
  return { value: node, key, reached: node };
}

/** The text of a mapping key as written (for messages that quote the user's own spelling). */
export function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/** The span of a node's value (its first line is what a caret can show). */
export function spanOf(src: PlanSource, node: Node): Span {
  const [start, end] = node.range ?? [0, 1];
  return { loc: position(src.file, src.lineCounter, start), length: Math.max(1, end - start) };
}

/** Where to point for a problem with the value at path: the value, else its key, else its holder. */
export function valueSpan(src: PlanSource, path: Path): Span {
  const f = find(src, path);
  if (f.value !== undefined && !isEmpty(f.value)) return spanOf(src, f.value);
  if (f.key !== undefined) return spanOf(src, f.key);
  if (f.reached !== undefined) return spanOf(src, f.reached);
  return { loc: { file: src.file, line: 1, column: 1 }, length: 1 };
}

/** Where to point for a problem with the key at path (an unknown key): the key, else the value span. */
export function keySpan(src: PlanSource, path: Path): Span {
  const f = find(src, path);
  if (f.key !== undefined) return spanOf(src, f.key);
  return valueSpan(src, path);
}

/** The key as the user spelled it at path, or the last segment when it cannot be found. */
export function spelledKey(src: PlanSource, path: Path): string {
  const f = find(src, path);
  if (f.key !== undefined) return keyText(f.key);
  return String(path[path.length - 1] ?? "");
}

/** Builds an error diagnostic at a span, with optional related notes. */
export function diagnostic(span: Span, message: string, related: readonly Note[] = []): Diagnostic {
  return { severity: "error", message, loc: span.loc, length: span.length, related };
}

/** A related location of a diagnostic. */
export interface Note {
  readonly message: string;
  readonly loc: SourceLocation;
  readonly length: number;
}

/** Builds a related note at a span. */
export function note(span: Span, message: string): Note {
  return { message, loc: span.loc, length: span.length };
}

function deref(src: PlanSource, node: Node | undefined): Node | undefined {
  if (node !== undefined && isAlias(node)) return node.resolve(src.doc) ?? node;
  return node;
}

function isEmpty(node: Node): boolean {
  const [start, end] = node.range ?? [0, 0];
  return end <= start;
}

function position(file: string, lineCounter: LineCounter, offset: number): SourceLocation {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col };
}
