"""Turning requested lines into priced document lines: item defaults, account and tax code lookups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.domain.errors import FieldIssue, NotFound, ValidationFailed
from ledgerline.domain.money import MAX_AMOUNT, round_money, within_limit
from ledgerline.domain.positions import (
    AllowanceCharge,
    DiscountPosition,
    GroupPosition,
    ItemPosition,
    PageBreakPosition,
    Position,
    PositionError,
    SubtotalPosition,
    TextPosition,
    Totals,
    compute_totals,
)
from ledgerline.domain.tax_validity import not_valid_message
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
    positions: list[dict[str, Any]] | None = None  # as stored (schemas/positions.PositionOut), if sent
    allowances: list[dict[str, Any]] | None = None
    charges: list[dict[str, Any]] | None = None

    def nets_by_account(self) -> dict[str, Decimal]:
        return nets_by_account(self.lines)

    def tax_by_account(self) -> dict[str, Decimal]:
        taxes: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.lines:
            if line.tax_account_id is not None:
                taxes[line.tax_account_id] += line.tax_amount
        return dict(taxes)


SALES, PURCHASES = "sales", "purchases"  # the direction of the document being priced (domain/kinds.Direction)
PURCHASE_ACCOUNT_TYPES = ("expense", "asset")


def direction_error(tax_code: TaxCode, direction: str) -> str | None:
    """Why a document of `direction` may not use the tax code (one for the other direction only), or None."""
    allowed = tax_code.direction_or_default
    if allowed in ("both", direction):
        return None
    document = "a bill" if direction == PURCHASES else "a sales document"
    return f"tax code {tax_code.code} is for {allowed} only; {document} cannot use it"


def tenant_input_tax(tenant: Tenant) -> str | None:
    """The tenant's input tax account, when the tenant records it (tenants made before issue 15 do not)."""
    accounts = tenant.system_accounts
    return accounts.input_tax if accounts is not None else None


def nets_by_account(lines: list[DocumentLine]) -> dict[str, Decimal]:
    """Revenue per account: each line's net plus its share of the discounts, allowances and charges."""
    nets: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        nets[line.account_id] += line.net_amount + (line.adjustment or Decimal(0))
    return dict(nets)


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", param=field, details=[FieldIssue(field, message)])


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


def item_requests(positions: list[dict[str, Any]], field: str = "positions") -> list[tuple[str, dict[str, Any]]]:
    """The item positions of a request, depth first, with the field each one is at."""
    found: list[tuple[str, dict[str, Any]]] = []
    for index, position in enumerate(positions):
        if position["type"] == "item":
            found.append((f"{field}.{index}", position))
        elif position["type"] == "group":
            found.extend(item_requests(position["positions"], f"{field}.{index}.positions"))
    return found


def referenced_positions(fields: dict[str, Any]) -> list[tuple[type[TenantRecord], str]]:
    """The records the lines or positions (and allowances and charges) of a request name."""
    requested = fields.get("lines") or [item for _, item in item_requests(fields.get("positions") or [])]
    codes = [{"tax_code_id": ac.get("tax_code_id")} for ac in (*(fields.get("allowances") or ()),
                                                               *(fields.get("charges") or ()))]
    return referenced([*requested, *codes])


def price_positions(
    tenant: Tenant, requested: list[dict[str, Any]], *, currency: str, prices_include_tax: bool,
    allowances: list[dict[str, Any]] | None = None, charges: list[dict[str, Any]] | None = None,
    field: str = "positions", default_tax_code_id: str | None = None, find: Find | None = None,
    on: date | None = None, direction: str = SALES,
) -> PricedDocument:
    """Priced positions (schemas/positions.PositionIn as dicts) with document-level allowances and charges:
    the item positions are priced as lines are (`price_lines`), the totals come from domain/positions.py."""
    items = item_requests(requested, field)
    if not items:
        raise invalid(field, "at least one item position")
    return price_lines(tenant, [item for _, item in items], currency=currency, prices_include_tax=prices_include_tax,
                       field=field, default_tax_code_id=default_tax_code_id, find=find,
                       paths=[path for path, _ in items], tree=requested, allowances=allowances or [],
                       charges=charges or [], on=on, direction=direction)


def price_fields(tenant: Tenant, fields: dict[str, Any], *, currency: str, prices_include_tax: bool,
                 find: Find | None = None, on: date | None = None, direction: str = SALES) -> PricedDocument:
    """The `lines` or `positions` (with `allowances` and `charges`) of a request as POST /v1/invoices takes
    them, priced: what every priced kind (invoices, quotes, orders, recurring templates; bills with `direction`
    purchases) calls. With `on` (the document's date), a tax code not valid on that day is refused. The
    tenant's default tax code is a sales code: purchases get none."""
    default = tenant.default_tax_code_id if direction == SALES else None
    if fields.get("positions") is not None:
        return price_positions(tenant, fields["positions"], currency=currency, prices_include_tax=prices_include_tax,
                               allowances=fields.get("allowances"), charges=fields.get("charges"),
                               default_tax_code_id=default, find=find, on=on, direction=direction)
    if fields.get("allowances") or fields.get("charges"):  # lines with allowances: lines are item positions
        return price_positions(tenant, [{"type": "item", **line} for line in fields["lines"]], currency=currency,
                               prices_include_tax=prices_include_tax, allowances=fields.get("allowances"),
                               charges=fields.get("charges"), field="lines",
                               default_tax_code_id=default, find=find, on=on, direction=direction)
    return price_lines(tenant, fields["lines"], currency=currency, prices_include_tax=prices_include_tax,
                       default_tax_code_id=default, find=find, on=on, direction=direction)


def price_lines(
    tenant: Tenant, requested: list[dict[str, Any]], *, currency: str, prices_include_tax: bool, field: str = "lines",
    default_tax_code_id: str | None = None, find: Find | None = None, paths: list[str] | None = None,
    tree: list[dict[str, Any]] | None = None, allowances: list[dict[str, Any]] | None = None,
    charges: list[dict[str, Any]] | None = None, on: date | None = None, direction: str = SALES,
) -> PricedDocument:
    """Priced lines. A line's tax code is its own, else its item's, else `default_tax_code_id` (the tenant's
    default, for sales lines); the line then names the code that was applied. With `tree` (positions, whose
    items are `requested`, at `paths`), the totals are those of the positions and `allowances`/`charges`.
    With `on` (the document's date), a tax code not valid on that day is refused (`domain/tax_validity`).

    `direction` (issue 15): `purchases` prices a bill's lines: an item gives its purchase price and expense
    account, the account must be an expense or asset account, a tax code must allow purchases (a sales
    document's, sales) and a reverse-charge code (category AE) charges no tax on the document (the buyer
    self-assesses it when posting)."""
    purchases = direction == PURCHASES
    lookup = _Lookup(tenant.id, find)
    issues: list[FieldIssue] = []
    resolved: list[dict[str, Any]] = []
    for index, line in enumerate(requested):
        where = paths[index] if paths is not None else f"{field}.{index}"
        values = dict(line)
        if values.get("item_id"):
            item = lookup.get(Item, values["item_id"])
            if item is None or item.archived:
                issues.append(FieldIssue(f"{where}.item_id", f"no item with id '{values['item_id']}'"))
                continue
            values["description"] = values.get("description") or item.name
            price = item.purchase_price if purchases else item.unit_price
            values["unit_price"] = values["unit_price"] if values.get("unit_price") is not None else price
            values["account_id"] = values.get("account_id") or (
                item.expense_account_id if purchases else item.revenue_account_id)
            values["tax_code_id"] = values.get("tax_code_id") or item.tax_code_id
        if values.get("unit_price") is None:
            issues.append(FieldIssue(f"{where}.unit_price", "required when the line has no item with a price"))
        elif not within_limit(Decimal(values["quantity"]) * Decimal(values["unit_price"])):
            issues.append(FieldIssue(where, f"quantity × unit price is more than {MAX_AMOUNT}"))
        if purchases and not values.get("account_id"):
            issues.append(FieldIssue(f"{where}.account_id", "required: an expense or asset account (or an item "
                                     "with an expense_account_id)"))
            continue
        values["account_id"] = values.get("account_id") or tenant.system_accounts.sales
        account = lookup.get(Account, values["account_id"])
        if account is None or account.archived:
            issues.append(FieldIssue(f"{where}.account_id", f"no account with id '{values['account_id']}'"))
        elif purchases and account.type not in PURCHASE_ACCOUNT_TYPES:
            issues.append(FieldIssue(f"{where}.account_id", f"account {account.code} is a {account.type} account; "
                                     "a bill's line takes an expense or asset account"))
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
            elif on is not None and not tax_code.valid_on(on):
                issues.append(FieldIssue(f"{where}.tax_code_id", not_valid_message(
                    tax_code.code, tax_code.valid_from, tax_code.valid_to, on)))
            elif (reason := direction_error(tax_code, direction)) is not None:
                issues.append(FieldIssue(f"{where}.tax_code_id", reason))
            elif purchases:
                # reverse charge: the supplier charges no tax; the buyer's tax is booked when the bill posts
                values["tax_rate"] = Decimal(0) if tax_code.category_or_default == "AE" else tax_code.rate
                values["tax_account_id"] = tax_code.input_account_id or tenant_input_tax(tenant)
            else:
                values["tax_rate"], values["tax_account_id"] = tax_code.rate, tax_code.account_id
        resolved.append(values)
    if issues:
        raise ValidationFailed(f"{issues[0].field}: {issues[0].message}", param=issues[0].field, details=issues)

    priced_items = [
        ItemPosition(Decimal(v["quantity"]), Decimal(v["unit_price"]), v.get("tax_code_id") or None, v["tax_rate"])
        for v in resolved
    ]
    document_level: list[tuple[dict[str, Any], AllowanceCharge]] = []
    if tree is None:
        totals = compute_totals(priced_items, currency, prices_include_tax=prices_include_tax,
                                cash_rounding=tenant.cash_rounding)
    else:
        positions = _domain_positions(tree, iter(priced_items))
        try:
            totals = compute_totals(positions, currency, prices_include_tax=prices_include_tax,
                                    cash_rounding=tenant.cash_rounding, strict=True)
            document_level = _allowances_charges(lookup, resolved, allowances or [], charges or [],
                                                 totals.line_total, currency, default_tax_code_id)
            if document_level:
                totals = compute_totals(positions, currency, prices_include_tax=prices_include_tax,
                                        cash_rounding=tenant.cash_rounding, strict=True,
                                        allowances_charges=[ac for _, ac in document_level])
        except PositionError as exc:
            raise invalid(".".join([field, *(f"{i}" for i in _interleave(exc.path)), exc.field]), exc.message) from exc
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
            adjustment=adjustment if tree is not None else None,
        )
        for v, amounts, adjustment in zip(resolved, totals.lines, totals.line_adjustments, strict=True)
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
    if tree is not None:
        document.positions = _shown_positions(tree, iter(range(len(lines))), iter(totals.positions))
        shown = totals.allowances_charges[len(totals.allowances_charges) - len(document_level):]
        document.allowances = [_shown_allowance(request, amounts)
                               for (request, ac), amounts in zip(document_level, shown, strict=True) if not ac.charge]
        document.charges = [_shown_allowance(request, amounts)
                            for (request, ac), amounts in zip(document_level, shown, strict=True) if ac.charge]
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


def _interleave(path: tuple[int, ...]) -> list[str]:
    """(2, 0) → ["2", "positions", "0"]: a position's path as the field of the request it is at."""
    parts: list[str] = []
    for index in path:
        parts.extend(["positions", str(index)] if parts else [str(index)])
    return parts


def _domain_positions(tree: list[dict[str, Any]], items: Any) -> list[Position]:
    positions: list[Position] = []
    for request in tree:
        kind = request["type"]
        if kind == "item":
            positions.append(next(items))
        elif kind == "text":
            positions.append(TextPosition(request.get("text") or ""))
        elif kind == "subtotal":
            positions.append(SubtotalPosition(request.get("label") or ""))
        elif kind == "discount":
            percent, amount = request.get("percent"), request.get("amount")
            positions.append(DiscountPosition(
                percent=None if percent is None else Decimal(percent),
                amount=None if amount is None or percent is not None else Decimal(amount),
                reason=request.get("reason") or "",
                applies_to="above" if request.get("applies_to", "above") == "above" else "level"))
        elif kind == "group":
            positions.append(GroupPosition(request.get("title") or "",
                                           tuple(_domain_positions(request["positions"], items))))
        else:
            positions.append(PageBreakPosition())
    return positions


def _allowances_charges(lookup: _Lookup, resolved: list[dict[str, Any]], allowances: list[dict[str, Any]],
                        charges: list[dict[str, Any]], line_total: Decimal, currency: str,
                        default_tax_code_id: str | None) -> list[tuple[dict[str, Any], AllowanceCharge]]:
    """Document-level allowances and charges, each in a tax category of the item positions (its tax is then
    posted to that category's tax account); a percent is of the item positions' nets (BT-106)."""
    codes = {v.get("tax_code_id") or None: v["tax_rate"] for v in resolved}
    default = next(iter(codes)) if len(codes) == 1 else default_tax_code_id
    found: list[tuple[dict[str, Any], AllowanceCharge]] = []
    for name, charge, entries in (("allowances", False, allowances), ("charges", True, charges)):
        for index, request in enumerate(entries):
            code = request.get("tax_code_id") or default
            if code not in codes:
                raise invalid(f"{name}.{index}.tax_code_id",
                              f"'{code}' is not the tax code of any item position" if code
                              else "name the tax code of one of the item positions")
            if request.get("percent") is not None:
                amount = round_money(line_total * Decimal(request["percent"]) / 100, currency)
            else:
                amount = round_money(Decimal(request["amount"]), currency)
            found.append((request, AllowanceCharge(amount, code, codes[code], charge=charge,
                                                   reason=request.get("reason") or "")))
    return found


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _shown_positions(tree: list[dict[str, Any]], lines: Any, amounts: Any) -> list[dict[str, Any]]:
    """The positions as stored and shown (schemas/positions.PositionOut), pre-order like `Totals.positions`;
    an item names its line's index (`lines` yields them)."""
    shown: list[dict[str, Any]] = []
    for request in tree:
        kind, amount = request["type"], next(amounts).amount
        if kind == "item":
            shown.append({"type": "item", "line": next(lines)})
        elif kind == "text":
            shown.append({"type": "text", "text": request.get("text")})
        elif kind == "subtotal":
            shown.append({"type": "subtotal", "label": request.get("label"), "amount": _text(amount)})
        elif kind == "discount":
            shown.append({"type": "discount", "percent": _text(request.get("percent")), "amount": _text(amount),
                          "reason": request.get("reason"), "applies_to": request.get("applies_to") or "above"})
        elif kind == "group":
            shown.append({"type": "group", "title": request.get("title"), "amount": _text(amount),
                          "positions": _shown_positions(request["positions"], lines, amounts)})
        else:
            shown.append({"type": "page_break"})
    return shown


def _shown_allowance(request: dict[str, Any], amounts: Any) -> dict[str, Any]:
    return {"percent": _text(request.get("percent")), "reason": request.get("reason"),
            "tax_code_id": amounts.tax_code_id, "rate": _text(amounts.rate),
            "net_amount": _text(abs(amounts.net_amount)), "tax_amount": _text(abs(amounts.tax_amount)),
            "amount": _text(abs(amounts.amount))}


def requested_positions(document: Any) -> dict[str, Any]:
    """A priced document's positions (or lines), allowances and charges as a request would send them: what a
    PATCH keeps and a copy repeats."""
    def item(line: Any) -> dict[str, Any]:
        return {"item_id": line.item_id, "description": line.description, "quantity": line.quantity,
                "unit_price": line.unit_price, "account_id": line.account_id, "tax_code_id": line.tax_code_id}

    def back(shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
        requests: list[dict[str, Any]] = []
        for position in shown:
            kind = position["type"]
            if kind == "item":
                requests.append({"type": "item", **item(document.lines[position["line"]])})
            elif kind == "discount":
                percent = position.get("percent")
                requests.append({"type": "discount", "reason": position.get("reason"),
                                 "applies_to": position.get("applies_to") or "above",
                                 "percent": None if percent is None else Decimal(percent),
                                 "amount": None if percent is not None else Decimal(position["amount"])})
            elif kind == "group":
                requests.append({"type": "group", "title": position.get("title"),
                                 "positions": back(position["positions"])})
            else:
                requests.append({k: v for k, v in position.items() if k != "amount"})
        return requests

    def entries(shown: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        return [{"percent": None if e.get("percent") is None else Decimal(e["percent"]),
                 "amount": None if e.get("percent") is not None else Decimal(e["net_amount"]),
                 "reason": e.get("reason"), "tax_code_id": e.get("tax_code_id")} for e in shown or []]

    if not document.positions:
        return {"lines": [item(line) for line in document.lines], "positions": None, "allowances": [], "charges": []}
    return {"lines": None, "positions": back(document.positions), "allowances": entries(document.allowances),
            "charges": entries(document.charges)}
