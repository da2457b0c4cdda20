import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import { sign, verifyWebhook, WebhookVerificationError } from "../src/index.js";

// Signed by the server's own code (scripts/webhook_fixture.py; tests/unit/test_typescript_sdk.py keeps it current)
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/webhooks.json", import.meta.url), "utf8")) as {
  secret: string; old_secret: string; timestamp: number; body: string;
  headers: Record<string, string>; rotated_headers: Record<string, string>;
};
const now = fixture.timestamp + 10;

describe("verifyWebhook", () => {
  it("accepts what the server signed and returns the event", () => {
    const event = verifyWebhook<{ type: string; data: { object: { customer_name: string } } }>(
      fixture.body, fixture.headers, fixture.secret, { now });
    assert.equal(event.type, "invoice.posted");
    assert.equal(event.data.object.customer_name, "Müller & Söhne GmbH");
  });

  it("accepts the raw bytes and a Headers object", () => {
    const bytes = new TextEncoder().encode(fixture.body);
    assert.ok(verifyWebhook(bytes, new Headers(fixture.headers), fixture.secret, { now }));
  });

  it("accepts either secret while a rotation carries two signatures", () => {
    assert.ok(verifyWebhook(fixture.body, fixture.rotated_headers, fixture.secret, { now }));
    assert.ok(verifyWebhook(fixture.body, fixture.rotated_headers, fixture.old_secret, { now }));
  });

  it("signs exactly as the server does", () => {
    assert.equal(sign(fixture.secret, fixture.headers["webhook-id"], fixture.timestamp, fixture.body),
                 fixture.headers["webhook-signature"]);
  });

  const refusals: [string, () => unknown][] = [
    ["another secret", () => verifyWebhook(fixture.body, fixture.headers, fixture.old_secret, { now })],
    ["a changed body", () => verifyWebhook(fixture.body.replace("1375.00", "1.00"), fixture.headers, fixture.secret,
                                           { now })],
    ["a re-serialised body", () => verifyWebhook(JSON.stringify(JSON.parse(fixture.body)), fixture.headers,
                                                 fixture.secret, { now })],
    ["another message id", () => verifyWebhook(fixture.body, { ...fixture.headers, "webhook-id": "msg_x" },
                                               fixture.secret, { now })],
    ["a timestamp too old", () => verifyWebhook(fixture.body, fixture.headers, fixture.secret,
                                                { now: fixture.timestamp + 301 })],
    ["a timestamp in the future", () => verifyWebhook(fixture.body, fixture.headers, fixture.secret,
                                                      { now: fixture.timestamp - 301 })],
    ["a missing signature", () => verifyWebhook(fixture.body, { "webhook-id": "m", "webhook-timestamp": "1" },
                                                fixture.secret, { now })],
    ["another scheme", () => verifyWebhook(fixture.body, {
      ...fixture.headers, "webhook-signature": fixture.headers["webhook-signature"].replace("v1,", "v2,"),
    }, fixture.secret, { now })],
  ];
  for (const [what, run] of refusals) {
    it(`refuses ${what}`, () => assert.throws(run, WebhookVerificationError));
  }
});
