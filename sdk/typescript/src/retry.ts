/**
 * The fetch every request goes through: an `Idempotency-Key` on every POST that has none (one key per call,
 * the same on each retry of it), and retries with exponential backoff on 429 and 503, waiting what
 * `Retry-After` says when the API says it (bounded by `maxRetryDelayMs`).
 */

import { ConnectionError } from "./errors.js";

export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 turns retrying off). */
  maxRetries?: number;
  /** The first backoff (default 500 ms); doubled per retry, with jitter. */
  initialRetryDelayMs?: number;
  /** No wait is longer than this, `Retry-After` included (default 20 s). */
  maxRetryDelayMs?: number;
  /** How a key is made when a POST has none (default `crypto.randomUUID()`). */
  idempotencyKey?: () => string;
  /** The underlying fetch (default the global one; tests give a fake). */
  fetch?: (request: Request) => Promise<Response>;
  /** How to wait (tests give one that records the waits). */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) (default Math.random): the jitter of computed backoffs. */
  random?: () => number;
}

export const RETRY_STATUSES = new Set([429, 503]);
const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** Milliseconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (header === null || header.trim() === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The wait before retry number `retry` (0-based) after `response`. */
export function retryDelayMs(retry: number, response: Response | null, options: RetryOptions = {}): number {
  const max = options.maxRetryDelayMs ?? 20_000;
  const asked = response ? retryAfterMs(response.headers.get("retry-after")) : null;
  if (asked !== null) return Math.min(asked, max);
  const initial = options.initialRetryDelayMs ?? 500;
  const random = options.random ?? Math.random;
  const backoff = initial * 2 ** retry;
  // "Equal jitter": half fixed, half random, so concurrent clients spread out but never retry at once
  return Math.min(max, backoff / 2 + (backoff / 2) * random());
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A fetch with idempotency keys and retries, for openapi-fetch's `fetch` option. */
export function retryingFetch(options: RetryOptions = {}): (input: Request) => Promise<Response> {
  const maxRetries = options.maxRetries ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  const newKey = options.idempotencyKey ?? (() => globalThis.crypto.randomUUID());

  return async (input: Request): Promise<Response> => {
    const underlying = options.fetch ?? ((request: Request) => globalThis.fetch(request));
    const headers = new Headers(input.headers);
    if (input.method === "POST" && !headers.has(IDEMPOTENCY_HEADER)) {
      headers.set(IDEMPOTENCY_HEADER, newKey());
    }
    // The body is read once, so every attempt sends the same bytes
    const body = input.body === null ? undefined : await input.arrayBuffer();
    const attempt = () => new Request(input.url, { method: input.method, headers, body, redirect: input.redirect,
                                                   signal: input.signal });
    // A POST without a key cannot be retried after a lost answer; with one (always, here) it can.
    const safeAfterLostAnswer = input.method !== "PATCH" && input.method !== "PUT";
    for (let retry = 0; ; retry++) {
      let response: Response;
      try {
        response = await underlying(attempt());
      } catch (error) {
        if (input.signal?.aborted) throw error;
        if (retry < maxRetries && safeAfterLostAnswer) {
          await sleep(retryDelayMs(retry, null, options));
          continue;
        }
        throw new ConnectionError(`${input.method} ${input.url}: ${(error as Error)?.message ?? error}`, error);
      }
      if (!RETRY_STATUSES.has(response.status) || retry >= maxRetries) return response;
      await response.body?.cancel().catch(() => undefined);
      await sleep(retryDelayMs(retry, response, options));
    }
  };
}
