import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { expectErrorCode } from "../testing/expect-error.ts";
import { type LoopbackServer, sendJson, startLoopbackServer } from "../testing/loopback-server.ts";
import { fetchWithRetry, requestJson } from "./http-retry.ts";

let server: LoopbackServer;
let statuses: number[];

beforeAll(async () => {
  server = await startLoopbackServer((_request, response) => {
    const status = statuses.shift() ?? 200;
    sendJson(
      response,
      status,
      status === 200 ? { ok: true } : { message: `failed with ${status}` },
    );
  });
});

beforeEach(() => {
  statuses = [];
  server.requests.length = 0;
});

afterAll(() => server.close());

describe("fetchWithRetry", () => {
  it("retries 408, 429 and 5xx, then succeeds", async () => {
    statuses = [408, 429, 500, 502];
    const body = await requestJson(
      { url: server.url, what: "test call", retry: { maxRetries: 4, initialDelayMs: 1 } },
      z.object({ ok: z.boolean() }),
    );
    expect(body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(5);
  });

  it("reports unreachable servers as unavailable", async () => {
    await expectErrorCode(
      fetchWithRetry({
        url: "http://127.0.0.1:9/",
        what: "test call",
        retry: { maxRetries: 1, initialDelayMs: 1 },
      }),
      "unavailable",
    );
  });

  it("rejects a body that does not match the schema as corrupt-data", async () => {
    await expectErrorCode(
      requestJson(
        { url: server.url, what: "test call" },
        z.object({ rankings: z.array(z.number()) }),
      ),
      "corrupt-data",
    );
  });
});
