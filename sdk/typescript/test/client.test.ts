import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  ApiError, AuthenticationError, ConflictError, ConnectionError, InvalidRequestError, Ledgerline, LedgerlineError,
  NotFoundError, PermissionError, PreconditionFailedError, RateLimitError, ValidationError, retryAfterMs,
  retryDelayMs,
} from "../src/index.js";
import { INVOICE, error, fakeFetch, json, recordingSleep } from "./helpers.js";

function client(fetch: (r: Request) => Promise<Response>, extra: Record<string, unknown> = {}) {
  const { sleep, waits } = recordingSleep();
  const ll = new Ledgerline({ apiKey: "ll_test", baseUrl: "http://api.test/", fetch, sleep, random: () => 0.5,
                              ...extra });
  return { ll, waits };
}

describe("requests", () => {
  it("send the key, JSON and the base URL", async () => {
    const { fetch, seen } = fakeFetch(json(201, INVOICE));
    const { ll } = client(fetch);
    const invoice = await ll.invoices.create({ customer_id: "pty_1", lines: [] } as never);
    assert.equal(invoice.id, "inv_1");
    assert.equal(seen[0].method, "POST");
    assert.equal(seen[0].url, "http://api.test/v1/invoices");
    assert.equal(seen[0].headers.get("authorization"), "Bearer ll_test");
    assert.equal(seen[0].headers.get("content-type"), "application/json");
    assert.deepEqual(JSON.parse(seen[0].body), { customer_id: "pty_1", lines: [] });
  });

  it("send Ledgerline-Version when the client or the call names one", async () => {
    const { fetch, seen } = fakeFetch(json(200, INVOICE), json(200, INVOICE), json(200, INVOICE));
    const { ll } = client(fetch, { version: "2026-01-01" });
    await ll.invoices.retrieve("inv_1");
    await ll.invoices.retrieve("inv_1", undefined, { version: "2026-12-05" });
    const { ll: unpinned } = client(fetch);
    await unpinned.invoices.retrieve("inv_1");
    assert.equal(seen[0].headers.get("ledgerline-version"), "2026-01-01");
    assert.equal(seen[1].headers.get("ledgerline-version"), "2026-12-05");
    assert.equal(seen[2].headers.get("ledgerline-version"), null);
  });

  it("reach every route typed through GET/POST and path parameters", async () => {
    const { fetch, seen } = fakeFetch(json(200, { ...INVOICE, status: "awaiting_payment" }));
    const { ll } = client(fetch);
    const { data } = await ll.POST("/v1/invoices/{id}/post", { params: { path: { id: "inv_1" } } });
    assert.equal(data?.status, "awaiting_payment");
    assert.equal(seen[0].url, "http://api.test/v1/invoices/inv_1/post");
  });

  it("encode query parameters", async () => {
    const { fetch, seen } = fakeFetch(json(200, { data: [], has_more: false, next_cursor: null }));
    const { ll } = client(fetch);
    await ll.invoices.list({ status: "paid", limit: 10 } as never);
    const url = new URL(seen[0].url);
    assert.equal(url.pathname, "/v1/invoices");
    assert.equal(url.searchParams.get("status"), "paid");
    assert.equal(url.searchParams.get("limit"), "10");
  });
});

describe("idempotency keys", () => {
  it("are generated for every POST, one per call", async () => {
    const { fetch, seen } = fakeFetch(json(201, INVOICE), json(201, INVOICE), json(200, INVOICE));
    const { ll } = client(fetch);
    await ll.invoices.create({} as never);
    await ll.receipts.create({} as never);
    await ll.invoices.retrieve("inv_1");
    const [first, second, get] = seen.map((s) => s.headers.get("idempotency-key"));
    assert.match(first ?? "", /^[0-9a-f-]{36}$/);
    assert.match(second ?? "", /^[0-9a-f-]{36}$/);
    assert.notEqual(first, second);
    assert.equal(get, null);
  });

  it("are the caller's when given", async () => {
    const { fetch, seen } = fakeFetch(json(200, INVOICE), json(200, INVOICE));
    const { ll } = client(fetch);
    await ll.invoices.post("inv_1", { idempotencyKey: "post-inv_1" });
    await ll.POST("/v1/invoices/{id}/post", { params: { path: { id: "inv_1" } }, headers: { "Idempotency-Key": "k2" } });
    assert.equal(seen[0].headers.get("idempotency-key"), "post-inv_1");
    assert.equal(seen[1].headers.get("idempotency-key"), "k2");
  });

  it("stay the same on every retry of one call, with the same body", async () => {
    const { fetch, seen } = fakeFetch(json(503, error("api_error", "unavailable", "busy")),
                                      json(429, error("rate_limit_error", "rate_limited", "slow down")),
                                      json(201, INVOICE));
    const { ll } = client(fetch);
    await ll.receipts.create({ amount: "1375.00" } as never);
    assert.equal(seen.length, 3);
    const keys = new Set(seen.map((s) => s.headers.get("idempotency-key")));
    assert.equal(keys.size, 1);
    assert.ok([...keys][0]);
    assert.deepEqual(seen.map((s) => s.body), Array(3).fill('{"amount":"1375.00"}'));
  });
});

describe("retries", () => {
  it("back off exponentially on 429 and 503, then answer", async () => {
    const { fetch, seen } = fakeFetch(json(503, {}), json(503, {}), json(429, {}), json(200, INVOICE));
    const { ll, waits } = client(fetch);
    const invoice = await ll.invoices.retrieve("inv_1");
    assert.equal(invoice.id, "inv_1");
    assert.equal(seen.length, 4);
    // 500, 1000, 2000 ms with "equal jitter" at random() = 0.5: 3/4 of each
    assert.deepEqual(waits, [375, 750, 1500]);
  });

  it("wait what Retry-After says, bounded by maxRetryDelayMs", async () => {
    const { fetch } = fakeFetch(json(429, {}, { "Retry-After": "2" }), json(429, {}, { "Retry-After": "3600" }),
                                json(200, INVOICE));
    const { ll, waits } = client(fetch, { maxRetryDelayMs: 5000 });
    await ll.invoices.retrieve("inv_1");
    assert.deepEqual(waits, [2000, 5000]);
  });

  it("stop after maxRetries and throw the last answer as a typed error", async () => {
    const limited = () => json(429, error("rate_limit_error", "rate_limit_exceeded", "Too many requests"),
                               { "Retry-After": "1" });
    const { fetch, seen } = fakeFetch(limited, limited, limited);
    const { ll, waits } = client(fetch, { maxRetries: 2 });
    await assert.rejects(ll.invoices.retrieve("inv_1"), (e: unknown) => {
      assert.ok(e instanceof RateLimitError);
      assert.equal(e.retryAfter, 1);
      assert.equal(e.status, 429);
      return true;
    });
    assert.equal(seen.length, 3);
    assert.deepEqual(waits, [1000, 1000]);
  });

  it("do not retry other errors", async () => {
    const { fetch, seen } = fakeFetch(json(500, error("api_error", "internal_error", "boom")));
    const { ll } = client(fetch);
    await assert.rejects(ll.invoices.retrieve("inv_1"), ApiError);
    assert.equal(seen.length, 1);
  });

  it("retry a lost answer of a GET or keyed POST, and throw ConnectionError at the end", async () => {
    const { fetch, seen } = fakeFetch(new TypeError("fetch failed"), json(201, INVOICE));
    const { ll } = client(fetch);
    await ll.invoices.create({} as never);
    assert.equal(seen.length, 2);
    assert.equal(seen[0].headers.get("idempotency-key"), seen[1].headers.get("idempotency-key"));

    const down = fakeFetch(new TypeError("fetch failed"), new TypeError("fetch failed"));
    const { ll: off } = client(down.fetch, { maxRetries: 1 });
    await assert.rejects(off.invoices.retrieve("inv_1"), ConnectionError);
  });

  it("are off with maxRetries: 0", async () => {
    const { fetch, seen } = fakeFetch(json(503, {}));
    const { ll } = client(fetch, { maxRetries: 0 });
    await assert.rejects(ll.invoices.retrieve("inv_1"), ApiError);
    assert.equal(seen.length, 1);
  });

  it("read Retry-After as seconds or an HTTP date", () => {
    assert.equal(retryAfterMs("3"), 3000);
    assert.equal(retryAfterMs("0.5"), 500);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(retryAfterMs("soon"), null);
    assert.equal(retryAfterMs(null), null);
    assert.equal(retryDelayMs(10, null, { random: () => 0, maxRetryDelayMs: 7000 }), 7000);
  });
});

describe("typed errors", () => {
  const cases: [number, unknown, new (...a: never[]) => LedgerlineError][] = [
    [400, error("invalid_request_error", "parameter_unknown", "unknown parameter", "colour"), InvalidRequestError],
    [401, error("authentication_error", "invalid_api_key", "Invalid API key provided"), AuthenticationError],
    [403, error("permission_error", "missing_scope", "needs invoices:write", "invoices:write"), PermissionError],
    [404, error("invalid_request_error", "resource_missing", "No such invoice", "id"), NotFoundError],
    [409, error("invalid_request_error", "invalid_state", "already posted"), ConflictError],
    [412, error("invalid_request_error", "precondition_failed", "stale ETag", "If-Match"), PreconditionFailedError],
    [422, error("invalid_request_error", "validation_error", "lines.0.quantity: must be positive",
                "lines.0.quantity", [{ field: "lines.0.quantity", message: "must be positive" }]), ValidationError],
    [500, error("api_error", "internal_error", "boom"), ApiError],
    [502, "<html>Bad gateway</html>", ApiError],
  ];
  for (const [status, body, kind] of cases) {
    it(`${status} → ${kind.name}`, async () => {
      const answer = typeof body === "string" ? new Response(body, { status }) : json(status, body);
      const { fetch } = fakeFetch(answer);
      const { ll } = client(fetch);
      await assert.rejects(ll.invoices.retrieve("inv_1"), (e: unknown) => {
        assert.ok(e instanceof kind, `${(e as Error).name} is not ${kind.name}`);
        assert.ok(e instanceof LedgerlineError);
        assert.equal(e.status, status);
        assert.equal(e.name, kind.name);
        if (typeof body !== "string") {
          const envelope = (body as { error: { code: string; param: string | null; message: string } }).error;
          assert.equal(e.code, envelope.code);
          assert.equal(e.param, envelope.param);
          assert.equal(e.message, envelope.message);
          assert.equal(e.requestId, "req_1");
        }
        return true;
      });
    });
  }

  it("a validation error names the field and lists the details", async () => {
    const { fetch } = fakeFetch(json(422, error("invalid_request_error", "validation_error", "bad", "amount",
                                                [{ field: "amount", message: "must be > 0" }])));
    const { ll } = client(fetch);
    const e = await ll.receipts.create({} as never).catch((x: unknown) => x);
    assert.ok(e instanceof ValidationError && e instanceof InvalidRequestError);
    assert.equal(e.param, "amount");
    assert.deepEqual(e.details, [{ field: "amount", message: "must be > 0" }]);
  });
});

describe("pagination", () => {
  it("follows next_cursor until has_more is false, keeping the filters", async () => {
    const { fetch, seen } = fakeFetch(
      json(200, { data: [{ id: "inv_1" }, { id: "inv_2" }], has_more: true, next_cursor: "c1" }),
      json(200, { data: [{ id: "inv_3" }], has_more: true, next_cursor: "c2" }),
      json(200, { data: [], has_more: false, next_cursor: null }),
    );
    const { ll } = client(fetch);
    const ids: string[] = [];
    for await (const invoice of ll.invoices.listAll({ status: "paid", limit: 2 } as never)) {
      ids.push((invoice as { id: string }).id);
    }
    assert.deepEqual(ids, ["inv_1", "inv_2", "inv_3"]);
    const queries = seen.map((s) => Object.fromEntries(new URL(s.url).searchParams));
    assert.deepEqual(queries, [
      { status: "paid", limit: "2" },
      { status: "paid", limit: "2", cursor: "c1" },
      { status: "paid", limit: "2", cursor: "c2" },
    ]);
  });

  it("reads no further page than the caller asks for", async () => {
    const { fetch, seen } = fakeFetch(
      json(200, { data: [{ id: "a" }, { id: "b" }], has_more: true, next_cursor: "c1" }),
    );
    const { ll } = client(fetch);
    for await (const party of ll.parties.listAll()) {
      assert.equal((party as { id: string }).id, "a");
      break;
    }
    assert.equal(seen.length, 1);
  });

  it("paginates any list path, nested ones with their path parameters", async () => {
    const { fetch, seen } = fakeFetch(json(200, { data: [{ id: "m1" }], has_more: false, next_cursor: null }));
    const { ll } = client(fetch);
    const all = [];
    for await (const m of ll.paginate("/v1/stock/{item_id}/movements", undefined, { path: { item_id: "itm_1" } })) {
      all.push(m);
    }
    assert.equal(all.length, 1);
    assert.equal(new URL(seen[0].url).pathname, "/v1/stock/itm_1/movements");
  });
});
