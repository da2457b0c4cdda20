"""The invoice's payment reference on the in-memory unit of work (issue 16, part Q): set by the posting with
its pointer, QR or RF from the default bank account's QR-IBAN, which the default pointer keeps."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from ledgerline.domain.banking import references
from ledgerline.services import bank_accounts, invoices
from ledgerline.store.banking import BankDefault
from ledgerline.store.documents import PaymentReference
from ledgerline.store.tenants import Tenant
from ledgerline.store.unit_of_work import open_unit

QR_IBAN = "CH4431999123000889012"


def body(books: Any) -> dict[str, Any]:
    return {"customer_id": books.customer_id,
            "lines": [{"description": "Work", "quantity": D(1), "unit_price": D(100),
                       "account_id": books.accounts["4000"], "tax_code_id": books.tax_codes["GST10"]}]}


def pointer(books: Any) -> BankDefault | None:
    return open_unit(books.tenant_id).find(BankDefault, BankDefault.ID)


def post(books: Any) -> dict[str, Any]:
    return invoices.post(books.tenant_id, invoices.create_draft(books.tenant_id, body(books))["id"])


def swiss(books: Any) -> None:
    tenant = books.table.get(Tenant, *Tenant.key(books.tenant_id))
    tenant.country = "CH"
    books.table.put(tenant)


def test_the_default_pointer_keeps_the_default_accounts_qr_iban(books):
    first = bank_accounts.create(books.tenant_id, {"name": "PostFinance", "iban": "CH9300762011623852957",
                                                   "currency": "AUD", "qr_iban": QR_IBAN, "is_default": True})
    assert pointer(books).qr_iban == QR_IBAN
    bank_accounts.update(books.tenant_id, first["id"], {"qr_iban": None}, None)
    assert pointer(books).qr_iban is None
    bank_accounts.update(books.tenant_id, first["id"], {"qr_iban": QR_IBAN}, None)
    assert pointer(books).qr_iban == QR_IBAN
    second = bank_accounts.create(books.tenant_id, {"name": "ZKB", "iban": "CH5604835012345678009",
                                                    "currency": "AUD", "is_default": True})
    assert (pointer(books).bank_account_id, pointer(books).qr_iban) == (second["id"], None)
    # a change to an account that is not the default leaves the pointer alone
    bank_accounts.update(books.tenant_id, first["id"], {"qr_iban": None}, None)
    assert (pointer(books).bank_account_id, pointer(books).qr_iban) == (second["id"], None)


def test_posting_sets_the_reference_and_its_pointer_in_the_same_transaction(books):
    before = books.table.transactions
    posted = post(books)
    assert books.table.transactions == before + 2  # the draft, then the posting (with the pointer)
    reference = posted["payment_reference"]
    assert references.is_rf_reference(reference)  # AU: RF whatever the bank account
    stored = open_unit(books.tenant_id).find(PaymentReference, reference)
    assert stored is not None and stored.invoice_id == posted["id"]
    assert invoices.get_invoice(books.tenant_id, posted["id"])["payment_reference"] == reference


def test_a_swiss_tenant_with_a_qr_iban_gets_qr_references_and_without_one_rf(books):
    swiss(books)
    assert references.is_rf_reference(post(books)["payment_reference"])  # no bank account yet
    bank_accounts.create(books.tenant_id, {"name": "PostFinance", "iban": "CH9300762011623852957",
                                           "currency": "AUD", "qr_iban": QR_IBAN, "is_default": True})
    second = post(books)
    assert references.is_qr_reference(second["payment_reference"])
    assert second["payment_reference"] == references.invoice_reference(
        int(second["issue_date"][:4]), int(second["number"].rsplit("-", 1)[-1]), qr=True)


def test_drafts_posted_together_get_references_of_their_consecutive_numbers(books):
    drafts = [invoices.create_draft(books.tenant_id, body(books))["id"] for _ in range(3)]
    outcomes = invoices.post_drafts(books.tenant_id, drafts)
    made = [outcomes[draft]["payment_reference"] for draft in drafts]
    assert len(set(made)) == 3 and all(references.is_rf_reference(reference) for reference in made)
    assert [open_unit(books.tenant_id).find(PaymentReference, reference).invoice_id for reference in made] == drafts
