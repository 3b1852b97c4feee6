// Where one output stream of a child goes: a log file cut at a byte cap (the child keeps being
// drained past it, so it never blocks on a full pipe) and the last bytes in memory for feedback.
// Memory stays flat whatever the child prints.
import { createWriteStream, openSync, type WriteStream } from "node:fs";
import { err, ok, type Result } from "../../util/result.js";

/** The sink could not open its log file; nothing was started. */
export interface SinkOpenFailure {
  readonly reason: "log-file";
  readonly message: string;
}

/** One stream's destination, fed chunk by chunk. */
export interface OutputSink {
  /** Takes a chunk; false means "pause the source until `onDrain` fires" (the file is behind). */
  write(chunk: Buffer): boolean;
  /** Calls `resume` once the file has caught up. */
  onDrain(resume: () => void): void;
  /** Flushes and closes the file; resolves once it is on disk (never rejects). */
  finish(): Promise<void>;
  /** Bytes the child wrote, including those past the cap. */
  readonly bytes: number;
  /** Whether the file was cut at the cap. */
  readonly truncated: boolean;
  /** The last `tailBytes` bytes as text (a character split by the cut is dropped). */
  tail(): string;
  /** Set when writing the file failed (disk full, …); output then goes only to the tail. */
  readonly fileError: string | undefined;
}

/** What a sink needs. */
export interface OutputSinkOptions {
  /** The log file, created or truncated; none keeps only the tail. */
  readonly file?: string;
  readonly capBytes: number;
  readonly tailBytes: number;
}

/** Opens the log file (synchronously, so a bad path is known before the child starts). */
export function openOutputSink(opts: OutputSinkOptions): Result<OutputSink, SinkOpenFailure> {
  let stream: WriteStream | undefined;
  if (opts.file !== undefined) {
    try {
      const fd = openSync(opts.file, "w");
      stream = createWriteStream(opts.file, { fd });
    } catch (e) {
      return err({ reason: "log-file", message: `could not open the log file ${opts.file}: ${String(e)}` });
    }
  }
  return ok(new Sink(stream, opts.capBytes, opts.tailBytes));
}

class Sink implements OutputSink {
  bytes = 0;
  truncated = false;
  fileError: string | undefined;
  private written = 0;
  private lastByte = 0x0a;
  private readonly tailChunks: Buffer[] = [];
  private tailLength = 0;
  private tailCut = false;
  private readonly closed: Promise<void>;

  constructor(
    private stream: WriteStream | undefined,
    private readonly capBytes: number,
    private readonly tailBytes: number,
  ) {
    const s = stream;
    this.closed =
      s === undefined
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            s.on("close", resolve);
            s.on("error", (e) => {
              this.fileError = String(e);
              this.stream = undefined;
              s.destroy();
              resolve();
            });
          });
  }

  write(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    this.keepTail(chunk);
    const s = this.stream;
    if (s === undefined || this.truncated) return true;
    const room = this.capBytes - this.written;
    if (chunk.length <= room) {
      this.written += chunk.length;
      if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1] ?? this.lastByte;
      return s.write(chunk);
    }
    const head = chunk.subarray(0, Math.max(0, room));
    if (head.length > 0) this.lastByte = head[head.length - 1] ?? this.lastByte;
    this.written += head.length;
    this.truncated = true;
    const newline = this.written > 0 && this.lastByte !== 0x0a ? "\n" : "";
    s.write(
      Buffer.concat([head, Buffer.from(`${newline}[flotilla: output cut at ${this.capBytes} bytes]\n`)]),
    );
    // Past the cap the child is only drained: never pause it again.
    return true;
  }

  onDrain(resume: () => void): void {
    const s = this.stream;
    if (s === undefined) {
      resume();
      return;
    }
    // A failed file never drains: resume then too, the output still reaches the tail.
    const done = () => {
      s.off("drain", done);
      s.off("error", done);
      resume();
    };
    s.on("drain", done);
    s.on("error", done);
  }

  finish(): Promise<void> {
    this.stream?.end();
    return this.closed;
  }

  tail(): string {
    let buf = Buffer.concat(this.tailChunks);
    if (buf.length > this.tailBytes) {
      buf = buf.subarray(buf.length - this.tailBytes);
      this.tailCut = true;
    }
    // A cut may land inside a UTF-8 sequence: skip its continuation bytes (10xxxxxx).
    let start = 0;
    if (this.tailCut) while (start < buf.length && start < 3 && ((buf[start] ?? 0) & 0xc0) === 0x80) start++;
    return buf.subarray(start).toString("utf8");
  }

  // Keeps at most tailBytes plus one chunk: old chunks are dropped once the rest covers the tail.
  private keepTail(chunk: Buffer): void {
    if (this.tailBytes <= 0 || chunk.length === 0) return;
    this.tailChunks.push(chunk);
    this.tailLength += chunk.length;
    for (;;) {
      const first = this.tailChunks[0];
      if (first === undefined || this.tailLength - first.length < this.tailBytes) break;
      this.tailChunks.shift();
      this.tailLength -= first.length;
      this.tailCut = true;
    }
  }
}
