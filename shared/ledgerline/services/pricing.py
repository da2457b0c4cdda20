"""Turning requested lines into priced document lines: item defaults, account and tax code lookups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgerline.domain.errors import FieldIssue, NotFound, ValidationFailed
from ledgerline.domain.money import MAX_AMOUNT, round_money, within_limit
from ledgerline.domain.positions import ItemPosition, Totals, compute_totals
from ledgerline.store.accounts import Account
from ledgerline.store.documents import DocumentLine, TaxSubtotal
from ledgerline.store.items import Item
from ledgerline.store.records import TenantRecord, load
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.tenants import Tenant

# Posting writes a ledger line and three balance buckets per account, and three tax buckets per
# tax code, in one transaction; these caps keep it well inside DynamoDB's 100 items.
MAX_ACCOUNTS_PER_DOCUMENT = 12
MAX_TAX_CODES_PER_DOCUMENT = 5


@dataclass
class PricedDocument:
    lines: list[DocumentLine]
    tax_breakdown: list[TaxSubtotal]
    totals: Totals

    def nets_by_account(self) -> dict[str, Decimal]:
        nets: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.lines:
            nets[line.account_id] += line.net_amount
        return dict(nets)

    def tax_by_account(self) -> dict[str, Decimal]:
        taxes: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.lines:
            if line.tax_account_id is not None:
                taxes[line.tax_account_id] += line.tax_amount
        return dict(taxes)


Find = Callable[[type[TenantRecord], str], Any]  # a record of the tenant, or None (a unit of work's `find`)


class _Lookup:
    """Loads each referenced record once per request (through `find`, when the caller reads through a unit
    of work, which may have read them already)."""

    def __init__(self, tenant_id: str, find: Find | None = None) -> None:
        self.tenant_id = tenant_id
        self.find = find
        self.cache: dict[tuple[type, str], TenantRecord | None] = {}

    def get(self, model: type[TenantRecord], record_id: str) -> Any:
        key = (model, record_id)
        if key not in self.cache:
            if self.find is not None:
                self.cache[key] = self.find(model, record_id)
                return self.cache[key]
            try:
                self.cache[key] = load(model, self.tenant_id, record_id)
            except NotFound:
                self.cache[key] = None
        return self.cache[key]


def referenced(requested: list[dict[str, Any]]) -> list[tuple[type[TenantRecord], str]]:
    """The records requested lines name (items, accounts, tax codes): what a unit of work can prefetch."""
    wanted: list[tuple[type[TenantRecord], str]] = []
    for line in requested:
        for model, name in ((Item, "item_id"), (Account, "account_id"), (TaxCode, "tax_code_id")):
            if isinstance(line.get(name), str) and line[name]:
                wanted.append((model, line[name]))
    return wanted


def price_lines(
    tenant: Tenant, requested: list[dict[str, Any]], *, currency: str, prices_include_tax: bool, field: str = "lines",
    default_tax_code_id: str | None = None, find: Find | None = None,
) -> PricedDocument:
    """Priced lines. A line's tax code is its own, else its item's, else `default_tax_code_id` (the tenant's
    default, for sales lines); the line then names the code that was applied."""
    lookup = _Lookup(tenant.id, find)
    issues: list[FieldIssue] = []
    resolved: list[dict[str, Any]] = []
    for index, line in enumerate(requested):
        where = f"{field}.{index}"
        values = dict(line)
        if values.get("item_id"):
            item = lookup.get(Item, values["item_id"])
            if item is None or item.archived:
                issues.append(FieldIssue(f"{where}.item_id", f"no item with id '{values['item_id']}'"))
                continue
            values["description"] = values.get("description") or item.name
            values["unit_price"] = values["unit_price"] if values.get("unit_price") is not None else item.unit_price
            values["account_id"] = values.get("account_id") or item.revenue_account_id
            values["tax_code_id"] = values.get("tax_code_id") or item.tax_code_id
        if values.get("unit_price") is None:
            issues.append(FieldIssue(f"{where}.unit_price", "required when the line has no item with a price"))
        elif not within_limit(Decimal(values["quantity"]) * Decimal(values["unit_price"])):
            issues.append(FieldIssue(where, f"quantity × unit price is more than {MAX_AMOUNT}"))
        values["account_id"] = values.get("account_id") or tenant.system_accounts.sales
        account = lookup.get(Account, values["account_id"])
        if account is None or account.archived:
            issues.append(FieldIssue(f"{where}.account_id", f"no account with id '{values['account_id']}'"))
        values["tax_rate"], values["tax_account_id"] = Decimal(0), None
        by_default = not values.get("tax_code_id") and default_tax_code_id is not None
        values["tax_code_id"] = values.get("tax_code_id") or default_tax_code_id
        if values.get("tax_code_id"):
            tax_code = lookup.get(TaxCode, values["tax_code_id"])
            if tax_code is None or tax_code.archived or not tax_code.active:
                issues.append(FieldIssue(f"{where}.tax_code_id", (
                    f"the tenant's default tax code '{values['tax_code_id']}' is not active; name a tax code or "
                    "change default_tax_code_id" if by_default
                    else f"no active tax code with id '{values['tax_code_id']}'")))
            else:
                values["tax_rate"], values["tax_account_id"] = tax_code.rate, tax_code.account_id
        resolved.append(values)
    if issues:
        raise ValidationFailed(f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues)

    totals = compute_totals(
        [
            ItemPosition(Decimal(v["quantity"]), Decimal(v["unit_price"]), v.get("tax_code_id") or None, v["tax_rate"])
            for v in resolved
        ],
        currency,
        prices_include_tax=prices_include_tax,
        cash_rounding=tenant.cash_rounding,
    )
    lines = [
        DocumentLine(
            item_id=v.get("item_id"),
            description=v.get("description"),
            quantity=Decimal(v["quantity"]),
            unit_price=Decimal(v["unit_price"]),
            account_id=v["account_id"],
            tax_code_id=v.get("tax_code_id") or None,
            tax_rate=v["tax_rate"],
            tax_account_id=v["tax_account_id"],
            net_amount=amounts.net_amount,
            tax_amount=amounts.tax_amount,
            amount=amounts.amount,
        )
        for v, amounts in zip(resolved, totals.lines, strict=True)
    ]
    breakdown = [
        TaxSubtotal(
            tax_code_id=t.tax_code_id,
            tax_code=lookup.get(TaxCode, t.tax_code_id).code,
            rate=t.rate,
            taxable_amount=t.taxable_amount,
            tax_amount=t.tax_amount,
        )
        for t in totals.tax_breakdown
    ]
    document = PricedDocument(lines, breakdown, totals)
    if len(set(document.nets_by_account()) | set(document.tax_by_account())) > MAX_ACCOUNTS_PER_DOCUMENT:
        raise ValidationFailed(f"A document may use at most {MAX_ACCOUNTS_PER_DOCUMENT} distinct accounts", param=field)
    if len(breakdown) > MAX_TAX_CODES_PER_DOCUMENT:
        raise ValidationFailed(f"A document may use at most {MAX_TAX_CODES_PER_DOCUMENT} tax codes", param=field)
    if totals.total < 0:
        raise ValidationFailed(
            "The total must not be negative",
            param=field,
            details=[FieldIssue(field, f"total is {round_money(totals.total, currency)}")],
        )
    return document
