// A scripted Anthropic Messages API server on 127.0.0.1, so tests can run the real Claude Code CLI
// offline and decide, turn by turn, what "the model" says.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** What a script sees for one main (tool-carrying) request. */
export interface ScriptContext {
  /** The id from "Item: <id>" in the first user message, if any. */
  readonly item: string | undefined;
  /** How many assistant messages this conversation already has (0 on the first request). */
  readonly turn: number;
  /** The text of the newest tool_result in the last user message, if any. */
  readonly lastToolResult: string | undefined;
  /** The parsed request body. */
  readonly body: MessagesBody;
}

/** One scripted answer of the model (or of the HTTP layer). */
export type ScriptReply =
  | { readonly text: string }
  | { readonly bash: string }
  | { readonly tool: string; readonly input: Readonly<Record<string, unknown>> }
  | { readonly status: 400 | 500 | 529; readonly body?: unknown }
  | { readonly hang: true };

/** Decides the reply to each main request. */
export type Script = (ctx: ScriptContext) => ScriptReply;

/** The part of a Messages API request body we read. */
export interface MessagesBody {
  readonly model?: string;
  readonly stream?: boolean;
  readonly tools?: readonly { readonly name?: string }[];
  readonly messages?: readonly { readonly role: string; readonly content: unknown }[];
  readonly [key: string]: unknown;
}

/** One request the server received, kept for assertions. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body; undefined when there was none or it was not JSON. */
  readonly body: MessagesBody | undefined;
  /** A main request (with a `tools` array) that was routed to the script. */
  readonly main: boolean;
  /** What was answered: a reply kind, "side" for side requests, or "other". */
  readonly reply: string;
}

/** A running scripted server. */
export interface ModelServer {
  /** e.g. http://127.0.0.1:41234 — use as ANTHROPIC_BASE_URL. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Stops listening and drops every open connection (hanging ones too). */
  close(): Promise<void>;
}

/** Options of startModelServer. */
export interface ModelServerOptions {
  readonly script: Script;
  /** The server closes itself after this long even if a test forgets to (default 120 s). */
  readonly safetyMs?: number;
}

const USAGE = {
  input_tokens: 100,
  output_tokens: 20,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

/** Starts a scripted Messages API server for the real CLI (see FACTS.md). */
export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let counter = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8"));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  function record(req: IncomingMessage, body: MessagesBody | undefined, main: boolean, reply: string): void {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, main, reply });
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    let body: MessagesBody | undefined;
    try {
      body = raw === "" ? undefined : (JSON.parse(raw) as MessagesBody);
    } catch {
      body = undefined;
    }
    if (req.method === "POST" && path === "/v1/messages" && body !== undefined) {
      const main = Array.isArray(body.tools);
      const id = `msg_${String(++counter)}`;
      if (!main) {
        record(req, body, false, "side");
        sendMessage(res, body, id, [{ type: "text", text: "Scripted task" }], "end_turn");
        return;
      }
      let reply: ScriptReply;
      try {
        reply = options.script(contextOf(body));
      } catch (e) {
        reply = { status: 500, body: { type: "error", error: { type: "api_error", message: String(e) } } };
      }
      record(req, body, true, replyKind(reply));
      answer(res, body, id, reply);
      return;
    }
    if (req.method === "POST" && path === "/v1/messages/count_tokens") {
      record(req, body, false, "other");
      sendJson(res, 200, { input_tokens: 100 });
      return;
    }
    record(req, body, false, "other");
    if (req.method === "HEAD" || req.method === "GET") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end();
      return;
    }
    sendJson(res, 404, { type: "error", error: { type: "not_found_error", message: `no route ${path}` } });
  }

  function answer(res: ServerResponse, body: MessagesBody, id: string, reply: ScriptReply): void {
    if ("hang" in reply) return; // the socket is destroyed on close()
    if ("status" in reply) {
      const type =
        reply.status === 400
          ? "invalid_request_error"
          : reply.status === 529
            ? "overloaded_error"
            : "api_error";
      sendJson(
        res,
        reply.status,
        reply.body ?? { type: "error", error: { type, message: `scripted ${String(reply.status)}` } },
      );
      return;
    }
    if ("text" in reply) {
      sendMessage(res, body, id, [{ type: "text", text: reply.text }], "end_turn");
      return;
    }
    const name = "bash" in reply ? "Bash" : reply.tool;
    const input = "bash" in reply ? { command: reply.bash, description: "scripted command" } : reply.input;
    sendMessage(res, body, id, [{ type: "tool_use", id: `toolu_${id}`, name, input }], "tool_use");
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      clearTimeout(safety);
      server.close(() => {
        resolve();
      });
      for (const s of sockets) s.destroy();
    });
    return closed;
  };
  const safety = setTimeout(() => void close(), options.safetyMs ?? 120_000);
  safety.unref();

  return { url: `http://127.0.0.1:${String(port)}`, requests, close };
}

type Block =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Readonly<Record<string, unknown>> };

function replyKind(reply: ScriptReply): string {
  if ("hang" in reply) return "hang";
  if ("status" in reply) return `status ${String(reply.status)}`;
  if ("text" in reply) return "text";
  if ("bash" in reply) return "bash";
  return `tool ${reply.tool}`;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const data = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "request-id": "req_scripted" });
  res.end(data);
}

function sendMessage(
  res: ServerResponse,
  body: MessagesBody,
  id: string,
  content: readonly Block[],
  stopReason: "end_turn" | "tool_use",
): void {
  const model = typeof body.model === "string" ? body.model : "claude-scripted";
  if (body.stream !== true) {
    sendJson(res, 200, {
      id,
      type: "message",
      role: "assistant",
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: USAGE,
    });
    return;
  }
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "request-id": "req_scripted",
  });
  const event = (type: string, data: Record<string, unknown>): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  event("message_start", {
    message: {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...USAGE, output_tokens: 1 },
    },
  });
  content.forEach((block, index) => {
    if (block.type === "text") {
      event("content_block_start", { index, content_block: { type: "text", text: "" } });
      event("content_block_delta", { index, delta: { type: "text_delta", text: block.text } });
    } else {
      event("content_block_start", {
        index,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      });
      event("content_block_delta", {
        index,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
      });
    }
    event("content_block_stop", { index });
  });
  event("message_delta", {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: USAGE.output_tokens },
  });
  event("message_stop", {});
  res.end();
}

function contextOf(body: MessagesBody): ScriptContext {
  const messages = body.messages ?? [];
  const first = messages.find((m) => m.role === "user");
  const firstText = first === undefined ? "" : textOf(first.content);
  const item = /Item: *([^\s]+)/.exec(firstText)?.[1];
  const turn = messages.filter((m) => m.role === "assistant").length;
  const last = messages[messages.length - 1];
  let lastToolResult: string | undefined;
  if (last !== undefined && last.role === "user" && Array.isArray(last.content)) {
    for (const block of last.content as unknown[]) {
      if (isRecord(block) && block["type"] === "tool_result") lastToolResult = textOf(block["content"]);
    }
  }
  return { item, turn, lastToolResult, body };
}

/** The text in a message content: a string or an array of blocks with `text`. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return (content as unknown[])
    .map((b) => (isRecord(b) && typeof b["text"] === "string" ? b["text"] : ""))
    .join("\n");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}
