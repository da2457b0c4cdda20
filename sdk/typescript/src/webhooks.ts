/**
 * Verifying a webhook as the API signs it (Standard Webhooks, https://www.standardwebhooks.com; the server's
 * `domain/webhook_signing.py`): the signature of a message is `v1,` + base64(HMAC-SHA256(secret bytes,
 * "<webhook-id>.<webhook-timestamp>.<body>")), the secret being `whsec_` + base64 of its bytes. While a
 * rotated secret is still valid the `webhook-signature` header carries one signature per secret,
 * space-separated: one matching is enough.
 */

import { createHmac, timingSafeEqual } from "node:crypto";

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** How far the timestamp may be from now, either way (default 300 s, as Standard Webhooks says). */
  toleranceSeconds?: number;
  /** Now, in seconds since the epoch (default the clock's). */
  now?: number;
}

function header(headers: WebhookHeaders, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(" ") : (value ?? null);
  }
  return null;
}

/** The `v1,…` signature of one message under one secret (what the server puts in `webhook-signature`). */
export function sign(secret: string, msgId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret, "base64");
  const digest = createHmac("sha256", key).update(`${msgId}.${timestamp}.${body}`, "utf8").digest("base64");
  return `v1,${digest}`;
}

/**
 * Checks a received webhook and returns its event (the parsed body). `body` must be the raw body as
 * received (a string or its bytes), not a re-serialised object. Throws {@link WebhookVerificationError}
 * when a header is missing, the timestamp is outside the tolerance, or no signature matches.
 */
export function verifyWebhook<T = unknown>(body: string | Uint8Array, headers: WebhookHeaders, secret: string,
                                           options: VerifyOptions = {}): T {
  const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
  const msgId = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!msgId || !timestamp || !signatures) {
    throw new WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature header");
  }
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) {
    throw new WebhookVerificationError("webhook-timestamp is not a whole number of seconds");
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - seconds) > tolerance) {
    throw new WebhookVerificationError("webhook-timestamp is outside the tolerance (a replay or a wrong clock)");
  }
  const expected = Buffer.from(sign(secret, msgId, seconds, text).slice(3), "base64");
  for (const candidate of signatures.split(" ")) {
    const [version, value] = candidate.split(",", 2);
    if (version !== "v1" || value === undefined) continue;
    const given = Buffer.from(value, "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return JSON.parse(text) as T;
    }
  }
  throw new WebhookVerificationError("no signature matches the secret");
}
