/** A fake fetch: answers from a script, and records every request it saw (method, url, headers, body). */

export interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

export type Answer = Response | (() => Response) | Error;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status, headers: { "content-type": "application/json", ...headers },
  });
}

export function fakeFetch(...answers: Answer[]) {
  const seen: Seen[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    seen.push({ method: request.method, url: request.url, headers: request.headers, body: await request.text() });
    const next = answers.shift();
    if (next === undefined) throw new Error(`unexpected request ${request.method} ${request.url}`);
    if (next instanceof Error) throw next;
    return typeof next === "function" ? next() : next;
  };
  return { fetch, seen };
}

export function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => { waits.push(ms); } };
}

export const INVOICE = {
  object: "invoice", id: "inv_1", number: null, status: "draft", total: "1375.00",
};

export function error(type: string, code: string, message: string, param: string | null = null,
                      details: unknown[] = []) {
  return { error: { type, code, message, param, details, request_id: "req_1" } };
}
