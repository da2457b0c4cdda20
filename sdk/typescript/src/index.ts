export * from "./client.js";
export * from "./errors.js";
export { retryAfterMs, retryDelayMs, retryingFetch, RETRY_STATUSES, type RetryOptions } from "./retry.js";
export { sign, verifyWebhook, WebhookVerificationError, type VerifyOptions, type WebhookHeaders } from "./webhooks.js";
export type { components, operations, paths } from "./schema.js";
