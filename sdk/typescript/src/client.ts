/**
 * The Ledgerline client: typed `GET/POST/PATCH/PUT/DELETE(path, …)` for every route of the OpenAPI document
 * (openapi-fetch over the generated `schema.d.ts`), resource helpers (`client.invoices.create(…)`), and
 * auto-pagination (`for await (const invoice of client.invoices.listAll({ status: "paid" }))`).
 *
 * Every request goes through one fetch (retry.ts): an `Idempotency-Key` on every POST that has none (the same
 * key on each retry of one call), and retries with backoff on 429/503 honouring `Retry-After`. Every answer
 * with status ≥ 400 is thrown as a typed error (errors.ts), so `data` is always there when a call returns.
 */

import createClient, { type Client, type Middleware } from "openapi-fetch";

import { errorFromResponse } from "./errors.js";
import { retryingFetch, type RetryOptions } from "./retry.js";
import type { components, paths } from "./schema.js";

export type Schemas = components["schemas"];

export const DEFAULT_BASE_URL = "http://127.0.0.1:3000";
export const VERSION_HEADER = "Ledgerline-Version";

export interface LedgerlineOptions extends RetryOptions {
  /** A secret API key (`ll_…`), sent as `Authorization: Bearer …`. */
  apiKey: string;
  /** The API's root (default the local server `make dev` runs, http://127.0.0.1:3000). */
  baseUrl?: string;
  /** `Ledgerline-Version: YYYY-MM-DD` on every request (default: the key's pinned version). */
  version?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/** Per call: the idempotency key to use (default a new UUID per call), the version, extra headers. */
export interface RequestOptions {
  idempotencyKey?: string;
  version?: string;
  headers?: Record<string, string>;
}

// ------------------------------------------------------------------------------------ path types

type Method = "get" | "post" | "patch" | "delete";
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<R> = R extends { content: { "application/json": infer T } } ? T : unknown;
/** The JSON a successful call of `P` with method `M` answers (200, else 201, else 202). */
export type Answer<P extends keyof paths, M extends Method> = Op<P, M> extends { responses: infer Rs }
  ? 200 extends keyof Rs ? JsonOf<Rs[200]> : 201 extends keyof Rs ? JsonOf<Rs[201]> : 202 extends keyof Rs
    ? JsonOf<Rs[202]> : unknown
  : never;
/** The JSON body `P` takes with method `M`. */
export type BodyOf<P extends keyof paths, M extends Method> = Op<P, M> extends {
  requestBody?: { content: { "application/json": infer B } };
} ? B : never;
/** The query parameters of `GET P`. */
export type QueryOf<P extends keyof paths> = Op<P, "get"> extends { parameters: { query?: infer Q } }
  ? NonNullable<Q> : never;

/** The paths whose GET answers a page (`{data, has_more, next_cursor}`). */
export type ListPath = {
  [P in keyof paths]: Answer<P, "get"> extends { data: unknown[]; has_more: boolean } ? P : never;
}[keyof paths];
/** One element of the list `GET P` answers. */
export type ItemOf<P extends ListPath> = Answer<P, "get"> extends { data: (infer T)[] } ? T : never;

type PathParams = Record<string, string>;

// ------------------------------------------------------------------------------------ the client

export class Ledgerline {
  /** The typed openapi-fetch client: `client.api.GET("/v1/invoices/{id}", { params: { path: { id } } })`. */
  readonly api: Client<paths>;
  readonly GET: Client<paths>["GET"];
  readonly POST: Client<paths>["POST"];
  readonly PATCH: Client<paths>["PATCH"];
  readonly PUT: Client<paths>["PUT"];
  readonly DELETE: Client<paths>["DELETE"];

  readonly tenant: TenantResource;
  readonly parties: Resource<"/v1/parties", "/v1/parties/{id}">;
  readonly items: Resource<"/v1/items", "/v1/items/{id}">;
  readonly accounts: Resource<"/v1/accounts", "/v1/accounts/{id}">;
  readonly taxCodes: Resource<"/v1/tax-codes", "/v1/tax-codes/{id}">;
  readonly invoices: InvoiceResource;
  readonly creditNotes: Resource<"/v1/credit-notes", "/v1/credit-notes/{id}">;
  readonly quotes: Resource<"/v1/quotes", "/v1/quotes/{id}">;
  readonly orders: Resource<"/v1/orders", "/v1/orders/{id}">;
  readonly receipts: ReceiptResource;
  readonly refunds: Resource<"/v1/refunds", "/v1/refunds/{id}">;
  readonly bills: Resource<"/v1/bills", "/v1/bills/{id}">;
  readonly expenses: Resource<"/v1/expenses", "/v1/expenses/{id}">;
  readonly supplierPayments: Resource<"/v1/supplier-payments", "/v1/supplier-payments/{id}">;
  readonly purchaseOrders: Resource<"/v1/purchase-orders", "/v1/purchase-orders/{id}">;
  readonly journalEntries: Resource<"/v1/journal-entries", "/v1/journal-entries/{id}">;
  readonly webhooks: Resource<"/v1/webhooks", "/v1/webhooks/{id}">;
  readonly events: Resource<"/v1/events", "/v1/events/{id}">;
  readonly reports: ReportsResource;

  constructor(options: LedgerlineOptions) {
    if (!options?.apiKey) throw new TypeError("Ledgerline: an apiKey is needed");
    const headers: Record<string, string> = { Authorization: `Bearer ${options.apiKey}`, ...options.headers };
    if (options.version) headers[VERSION_HEADER] = options.version;
    this.api = createClient<paths>({
      baseUrl: (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ""),
      headers,
      fetch: retryingFetch(options),
    });
    this.api.use(throwOnError);
    this.GET = this.api.GET.bind(this.api);
    this.POST = this.api.POST.bind(this.api);
    this.PATCH = this.api.PATCH.bind(this.api);
    this.PUT = this.api.PUT.bind(this.api);
    this.DELETE = this.api.DELETE.bind(this.api);

    this.tenant = new TenantResource(this);
    this.parties = new Resource(this, "/v1/parties", "/v1/parties/{id}");
    this.items = new Resource(this, "/v1/items", "/v1/items/{id}");
    this.accounts = new Resource(this, "/v1/accounts", "/v1/accounts/{id}");
    this.taxCodes = new Resource(this, "/v1/tax-codes", "/v1/tax-codes/{id}");
    this.invoices = new InvoiceResource(this, "/v1/invoices", "/v1/invoices/{id}");
    this.creditNotes = new Resource(this, "/v1/credit-notes", "/v1/credit-notes/{id}");
    this.quotes = new Resource(this, "/v1/quotes", "/v1/quotes/{id}");
    this.orders = new Resource(this, "/v1/orders", "/v1/orders/{id}");
    this.receipts = new ReceiptResource(this, "/v1/receipts", "/v1/receipts/{id}");
    this.refunds = new Resource(this, "/v1/refunds", "/v1/refunds/{id}");
    this.bills = new Resource(this, "/v1/bills", "/v1/bills/{id}");
    this.expenses = new Resource(this, "/v1/expenses", "/v1/expenses/{id}");
    this.supplierPayments = new Resource(this, "/v1/supplier-payments", "/v1/supplier-payments/{id}");
    this.purchaseOrders = new Resource(this, "/v1/purchase-orders", "/v1/purchase-orders/{id}");
    this.journalEntries = new Resource(this, "/v1/journal-entries", "/v1/journal-entries/{id}");
    this.webhooks = new Resource(this, "/v1/webhooks", "/v1/webhooks/{id}");
    this.events = new Resource(this, "/v1/events", "/v1/events/{id}");
    this.reports = new ReportsResource(this);
  }

  /**
   * One call of any route, its answer's JSON returned (errors thrown). The typed `GET/POST/…` are the
   * first choice; this is what the helpers use.
   */
  async request<T = unknown>(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string,
                             init: { path?: PathParams; query?: object; body?: unknown } & RequestOptions = {}):
    Promise<T> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.idempotencyKey) headers["Idempotency-Key"] = init.idempotencyKey;
    if (init.version) headers[VERSION_HEADER] = init.version;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const call = (this.api as any).request(method.toLowerCase(), path, {
      params: { path: init.path, query: init.query },
      body: init.body,
      headers,
    });
    const { data } = await call;
    return data as T;
  }

  /** Every element of a list, page after page (following `next_cursor`), as an async iterator. */
  async *paginate<P extends ListPath>(path: P, query?: QueryOf<P>,
                                      options: { path?: PathParams } & RequestOptions = {}):
    AsyncGenerator<ItemOf<P>, void, undefined> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.request<{ data: ItemOf<P>[]; has_more: boolean; next_cursor: string | null }>(
        "GET", path, { ...options, query: { ...(query as object), ...(cursor ? { cursor } : {}) } });
      yield* page.data;
      if (!page.has_more || !page.next_cursor) return;
      cursor = page.next_cursor;
    }
  }
}

const throwOnError: Middleware = {
  async onResponse({ response }) {
    if (response.ok) return undefined;
    const text = await response.clone().text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the text is the body
    }
    throw errorFromResponse(response.status, body, response.headers);
  },
};

// ------------------------------------------------------------------------------------ resources

/** A collection `L` (`/v1/invoices`) and its objects `O` (`/v1/invoices/{id}`). */
export class Resource<L extends ListPath & keyof paths, O extends keyof paths> {
  constructor(protected readonly client: Ledgerline, readonly listPath: L, readonly objectPath: O) {}

  /** `POST L`: an Idempotency-Key is sent (a new one unless `options.idempotencyKey` names it). */
  create(body: BodyOf<L, "post">, options: RequestOptions = {}): Promise<Answer<L, "post">> {
    return this.client.request("POST", this.listPath, { ...options, body });
  }

  retrieve(id: string, query?: QueryOf<O>, options: RequestOptions = {}): Promise<Answer<O, "get">> {
    return this.client.request("GET", this.objectPath, { ...options, path: { id }, query: query as object });
  }

  update(id: string, body: BodyOf<O, "patch">, options: RequestOptions = {}): Promise<Answer<O, "patch">> {
    return this.client.request("PATCH", this.objectPath, { ...options, path: { id }, body });
  }

  del(id: string, options: RequestOptions = {}): Promise<Answer<O, "delete">> {
    return this.client.request("DELETE", this.objectPath, { ...options, path: { id } });
  }

  /** One page. */
  list(query?: QueryOf<L>, options: RequestOptions = {}): Promise<Answer<L, "get">> {
    return this.client.request("GET", this.listPath, { ...options, query: query as object });
  }

  /** Every element, page after page: `for await (const x of client.invoices.listAll({ status: "paid" }))`. */
  listAll(query?: QueryOf<L>, options: RequestOptions = {}): AsyncGenerator<ItemOf<L>, void, undefined> {
    return this.client.paginate(this.listPath, query, options);
  }

  /** `POST <object path>/<action>` (post, void, send, reverse, …), with an Idempotency-Key. */
  protected action<T>(id: string, action: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.client.request("POST", `${String(this.objectPath)}/${action}`, { ...options, path: { id }, body });
  }
}

export class InvoiceResource extends Resource<"/v1/invoices", "/v1/invoices/{id}"> {
  /** Post a draft: it gets its number and journal entry. */
  post(id: string, options: RequestOptions = {}): Promise<Answer<"/v1/invoices/{id}/post", "post">> {
    return this.action(id, "post", undefined, options);
  }

  void(id: string, body: BodyOf<"/v1/invoices/{id}/void", "post">, options: RequestOptions = {}):
    Promise<Answer<"/v1/invoices/{id}/void", "post">> {
    return this.action(id, "void", body, options);
  }

  send(id: string, body: BodyOf<"/v1/invoices/{id}/send", "post">, options: RequestOptions = {}):
    Promise<Answer<"/v1/invoices/{id}/send", "post">> {
    return this.action(id, "send", body, options);
  }
}

export class ReceiptResource extends Resource<"/v1/receipts", "/v1/receipts/{id}"> {
  reverse(id: string, body: BodyOf<"/v1/receipts/{id}/reverse", "post">, options: RequestOptions = {}):
    Promise<Answer<"/v1/receipts/{id}/reverse", "post">> {
    return this.action(id, "reverse", body, options);
  }
}

export class TenantResource {
  constructor(private readonly client: Ledgerline) {}

  retrieve(options: RequestOptions = {}): Promise<Answer<"/v1/tenant", "get">> {
    return this.client.request("GET", "/v1/tenant", options);
  }

  update(body: BodyOf<"/v1/tenant", "patch">, options: RequestOptions = {}): Promise<Answer<"/v1/tenant", "patch">> {
    return this.client.request("PATCH", "/v1/tenant", { ...options, body });
  }
}

export class ReportsResource {
  constructor(private readonly client: Ledgerline) {}

  trialBalance(query?: QueryOf<"/v1/reports/trial-balance">, options: RequestOptions = {}):
    Promise<Answer<"/v1/reports/trial-balance", "get">> {
    return this.client.request("GET", "/v1/reports/trial-balance", { ...options, query: query as object });
  }

  profitAndLoss(query?: QueryOf<"/v1/reports/profit-and-loss">, options: RequestOptions = {}):
    Promise<Answer<"/v1/reports/profit-and-loss", "get">> {
    return this.client.request("GET", "/v1/reports/profit-and-loss", { ...options, query: query as object });
  }

  balanceSheet(query?: QueryOf<"/v1/reports/balance-sheet">, options: RequestOptions = {}):
    Promise<Answer<"/v1/reports/balance-sheet", "get">> {
    return this.client.request("GET", "/v1/reports/balance-sheet", { ...options, query: query as object });
  }
}
