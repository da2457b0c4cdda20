"""Tax code validity on the in-memory unit of work (issue 15, item 5): a rate change is a new code valid
from the change; an invoice names the code valid on its date, and one dated outside it is a 422 naming the
line's tax_code_id."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from ledgerline.domain.errors import ValidationFailed
from ledgerline.domain.tax_validity import valid_on, validity_error
from ledgerline.services import invoices, master_data


def ch_codes(books) -> tuple[str, str]:
    old = master_data.create("tax_code", books.tenant_id, {"code": "VAT77", "name": "MWST 7.7 %", "rate": D("7.7"),
                                                           "valid_to": date(2023, 12, 31)})
    new = master_data.create("tax_code", books.tenant_id, {"code": "VAT81N", "name": "MWST 8.1 %",
                                                           "rate": D("8.1"), "valid_from": date(2024, 1, 1)})
    return old.id, new.id


def invoice(books, day: date, tax_code_id: str | None = None, **line):
    line = {"description": "Work", "quantity": D(1), "unit_price": D(100), "account_id": books.accounts["4000"],
            **({"tax_code_id": tax_code_id} if tax_code_id else {}), **line}
    return invoices.create_draft(books.tenant_id, {"customer_id": books.customer_id, "issue_date": day,
                                                   "lines": [line]})


def test_validity_is_a_closed_range_either_side_open():
    assert valid_on(None, None, date(2000, 1, 1))
    assert valid_on(date(2024, 1, 1), None, date(2024, 1, 1))
    assert not valid_on(date(2024, 1, 1), None, date(2023, 12, 31))
    assert valid_on(None, date(2023, 12, 31), date(2023, 12, 31)) and not valid_on(None, date(2023, 12, 31),
                                                                                   date(2024, 1, 1))
    assert validity_error(date(2024, 1, 1), date(2023, 12, 31)) and validity_error(date(2024, 1, 1), None) is None


def test_an_invoice_takes_the_rate_of_the_code_valid_on_its_date(books):
    old, new = ch_codes(books)
    before = invoice(books, date(2023, 12, 30), old)
    after = invoice(books, date(2024, 1, 2), new)
    assert (before["tax_total"], after["tax_total"]) == ("7.70", "8.10")


@pytest.mark.parametrize(("day", "which", "message"), [
    (date(2024, 1, 1), 0, "valid until 2023-12-31"), (date(2023, 12, 31), 1, "valid from 2024-01-01")])
def test_an_invoice_dated_outside_its_codes_validity_is_refused_naming_the_line(books, day, which, message):
    codes = ch_codes(books)
    with pytest.raises(ValidationFailed) as refused:
        invoice(books, day, codes[which])
    assert refused.value.param == "lines.0.tax_code_id" and message in str(refused.value)


def test_a_code_from_the_item_is_checked_too_and_a_changed_date_is_checked_again(books):
    old, _ = ch_codes(books)
    item = master_data.create("item", books.tenant_id, {"code": "OLD", "name": "Old rate", "unit_price": D(10),
                                                        "tax_code_id": old})
    with pytest.raises(ValidationFailed) as refused:
        invoice(books, date(2024, 2, 1), item_id=item.id)
    assert refused.value.param == "lines.0.tax_code_id"
    draft = invoice(books, date(2023, 6, 1), item_id=item.id)
    with pytest.raises(ValidationFailed):
        invoices.update_draft(books.tenant_id, draft["id"], {"issue_date": date(2024, 6, 1)}, None)


def test_a_tax_code_whose_validity_ends_before_it_starts_is_refused(books):
    with pytest.raises(ValidationFailed) as refused:
        master_data.create("tax_code", books.tenant_id, {"code": "BAD", "name": "Bad", "rate": D(1),
                                                         "valid_from": date(2024, 1, 1), "valid_to": date(2023, 1, 1)})
    assert refused.value.param == "valid_to"
    old, _ = ch_codes(books)
    with pytest.raises(ValidationFailed):
        master_data.update("tax_code", books.tenant_id, old, {"valid_from": date(2024, 6, 1)}, None)
    assert master_data.update("tax_code", books.tenant_id, old, {"valid_to": None}, None).valid_to is None
