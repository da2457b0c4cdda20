// The README's walk-through with the SDK: a customer, an invoice of 1375.00 AUD (GST included), its
// payment, and the trial balance. LEDGERLINE_API_KEY: a key from `ledgerline tenant create`.
import { Ledgerline, NotFoundError } from "@ledgerline/sdk";

const ll = new Ledgerline({
  apiKey: process.env.LEDGERLINE_API_KEY ?? "",
  baseUrl: process.env.LEDGERLINE_URL ?? "http://127.0.0.1:3000",
});

// A customer
const customer = await ll.parties.create({
  name: "Globex Corporation", email: "accounts@globex.example", payment_terms_days: 14,
});

// The GST 10 % tax code and the bank account: every AU tenant starts with both
let gst10 = "";
for await (const taxCode of ll.taxCodes.listAll()) {
  if (taxCode.code === "GST10") gst10 = taxCode.id;
}
const bank = (await ll.accounts.list({ subtype: "bank" })).data[0];

// A draft invoice: 10 x 100.00 and 1 x 250.00, both at GST 10 %
const draft = await ll.invoices.create({
  customer_id: customer.id,
  lines: [
    { description: "Consulting hours", quantity: "10", unit_price: "100.00", tax_code_id: gst10 },
    { description: "Setup fee", quantity: "1", unit_price: "250.00", tax_code_id: gst10 },
  ],
});

// Post it: it gets the next number and its journal entry. Every POST carries an Idempotency-Key (a new
// one per call unless given, the same on each retry), so retrying with the same key is safe.
const posted = await ll.invoices.post(draft.id, { idempotencyKey: `post-${draft.id}` });
console.log(JSON.stringify({ number: posted.number, status: posted.status, total: posted.total }));

// The customer pays 1375.00 into the bank account, allocated to the invoice
const receipt = await ll.receipts.create({
  customer_id: customer.id, amount: "1375.00", account_id: bank.id,
  allocations: [{ invoice_id: draft.id, amount: "1375.00" }],
});
console.log(JSON.stringify({ status: receipt.status, allocated_amount: receipt.allocated_amount }));

// The invoice is paid
const paid = await ll.invoices.retrieve(draft.id);
console.log(JSON.stringify({ status: paid.status, amount_paid: paid.amount_paid, amount_due: paid.amount_due }));

// Every paid invoice, page after page
for await (const invoice of ll.invoices.listAll({ status: ["paid"] })) {
  if ("number" in invoice) console.log(JSON.stringify({ paid: invoice.number }));
}

// The trial balance: bank 1375.00 debit, receivable settled, sales 1250.00 and GST 125.00 credit
const trial = await ll.reports.trialBalance();
console.log(JSON.stringify({ total_debit: trial.total_debit, total_credit: trial.total_credit }));

// Errors are typed: an unknown id is a NotFoundError (a 404, as another tenant's id is)
try {
  await ll.invoices.retrieve("inv_01KBQ0000000000000000000");
} catch (error) {
  if (!(error instanceof NotFoundError)) throw error;
  console.log(JSON.stringify({ error: error.name, code: error.code }));
}
