import { test } from "node:test";
import assert from "node:assert/strict";
import { startModelServer } from "../../support/model-server.js";

const tools = [{ name: "Bash" }];

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/v1/messages?beta=true`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

test("model server: HEAD, side requests, JSON and SSE replies, context for the script", async () => {
  const seen: unknown[] = [];
  const s = await startModelServer({
    script: (ctx) => {
      seen.push({ item: ctx.item, turn: ctx.turn, last: ctx.lastToolResult });
      return ctx.turn === 0 ? { bash: "ls" } : { text: "done" };
    },
  });
  try {
    assert.equal((await fetch(s.url, { method: "HEAD" })).status, 200);
    const side = (await (
      await post(s.url, { model: "m", messages: [{ role: "user", content: "title?" }] })
    ).json()) as {
      content: { text: string }[];
    };
    assert.equal(side.content[0]?.text, "Scripted task");
    const first = await post(s.url, {
      model: "m",
      stream: true,
      tools,
      messages: [{ role: "user", content: [{ type: "text", text: "Item: login-api\nGo" }] }],
    });
    assert.equal(first.headers.get("content-type"), "text/event-stream");
    const sse = await first.text();
    const types = [...sse.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(types, [
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    assert.match(sse, /"stop_reason":"tool_use"/);
    assert.match(sse, /"partial_json":"\{\\"command\\":\\"ls\\"/);
    const second = (await (
      await post(s.url, {
        model: "m",
        tools,
        messages: [
          { role: "user", content: "Item: login-api" },
          { role: "assistant", content: [{ type: "tool_use", id: "t", name: "Bash", input: {} }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "a.txt" }] },
        ],
      })
    ).json()) as { stop_reason: string; content: { text: string }[] };
    assert.equal(second.stop_reason, "end_turn");
    assert.equal(second.content[0]?.text, "done");
    assert.deepEqual(seen, [
      { item: "login-api", turn: 0, last: undefined },
      { item: "login-api", turn: 1, last: "a.txt" },
    ]);
    assert.deepEqual(
      s.requests.map((r) => [r.method, r.main, r.reply]),
      [
        ["HEAD", false, "other"],
        ["POST", false, "side"],
        ["POST", true, "bash"],
        ["POST", true, "text"],
      ],
    );
  } finally {
    await s.close();
  }
});

test("model server: scripted statuses, and close() ends a hanging request", async () => {
  let reply: "529" | "hang" = "529";
  const s = await startModelServer({ script: () => (reply === "529" ? { status: 529 } : { hang: true }) });
  const res = await post(s.url, { tools, messages: [{ role: "user", content: "x" }] });
  assert.equal(res.status, 529);
  assert.deepEqual(await res.json(), {
    type: "error",
    error: { type: "overloaded_error", message: "scripted 529" },
  });
  reply = "hang";
  const hanging = post(s.url, { tools, messages: [{ role: "user", content: "x" }] });
  await new Promise((r) => setTimeout(r, 100));
  await s.close();
  await assert.rejects(hanging);
});
