"""Parties, items, accounts and tax codes: their use cases on the in-memory unit of work."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal as D
from pathlib import Path

import pytest

from ledgerline.domain.errors import AlreadyExists, NotFound, PreconditionFailed, ValidationFailed
from ledgerline.services import master_data
from ledgerline.store.accounts import Account
from ledgerline.store.codes import CodeGuard
from ledgerline.store.items import Item
from ledgerline.store.memory import MemoryUnitOfWork
from ledgerline.store.parties import Party
from ledgerline.store.table import Contention
from ledgerline.store.unit_of_work import open_unit, using

SHARED = Path(__file__).resolve().parents[3] / "shared" / "ledgerline"


def written(books) -> tuple[int, list[str]]:
    return books.table.transactions, books.table.event_types(books.tenant_id)


@contextmanager
def racing(books, other_request: Callable[[], object]) -> Iterator[None]:
    """Units whose first commit runs `other_request` just before it: another request changed what the use case
    read, between its read and its write."""
    raced: list[bool] = []

    def unit(tenant_id: str) -> MemoryUnitOfWork:
        uow = books.table.unit(tenant_id)
        commit = uow.commit

        def commit_after_the_other() -> None:
            if not raced:
                raced.append(True)
                with using(books.table.unit):
                    other_request()
            commit()

        uow.commit = commit_after_the_other  # type: ignore[method-assign]
        return uow

    with using(unit):
        yield
    assert raced


# ------------------------------------------------------------------------------------------ create


def test_create_writes_the_record_and_its_event_in_one_transaction(books):
    party = master_data.create("party", books.tenant_id, {"name": "Globex", "kind": "customer"})
    assert (party.id[:4], party.version, party.archived) == ("pty_", 1, False)
    stored = books.table.load(Party, books.tenant_id, party.id)
    assert (stored.name, stored.version) == ("Globex", 1)
    assert written(books) == (1, ["party.created"])
    assert books.table.events(books.tenant_id)[0].payload()["version"] == 1


def test_a_coded_record_claims_its_code_with_the_record(books):
    account = master_data.create(Account, books.tenant_id, {"code": "4910", "name": "Fees", "type": "revenue"})
    guard = books.table.get(CodeGuard, *_guard_key(books, Account, "4910"))
    assert guard is not None and guard.target_id == account.id
    with using(books.table.unit):
        assert open_unit(books.tenant_id).find_by_code(Account, "4910").id == account.id
        assert open_unit(books.tenant_id).find_by_code(Account, "9999") is None


@pytest.mark.parametrize(("kind", "fields"), [
    ("account", {"code": "1010", "name": "Another bank", "type": "asset"}),  # the default chart's
    ("tax_code", {"code": "GST10", "name": "Again", "rate": D("10")}),
    ("item", {"code": "SKU-1", "name": "Second"}),
])
def test_a_duplicate_code_is_a_conflict_and_writes_nothing(books, kind, fields):
    if kind == "item":
        master_data.create("item", books.tenant_id, {"code": "SKU-1", "name": "First"})
    before = written(books)
    with pytest.raises(AlreadyExists) as error:
        master_data.create(kind, books.tenant_id, fields)
    assert (error.value.code, error.value.param) == ("duplicate_code", "code")
    assert written(books) == before


def test_a_code_taken_between_read_and_write_is_a_conflict(books):
    other = {"code": "SKU-9", "name": "The other request's"}
    with racing(books, lambda: master_data.create("item", books.tenant_id, other)), \
            pytest.raises(AlreadyExists) as error:
        master_data.create("item", books.tenant_id, {"code": "SKU-9", "name": "Mine"})
    assert error.value.code == "duplicate_code"
    assert [i.name for i in books.table.partition(Item, f"T#{books.tenant_id}") if i.sk.startswith("ITEM#")] \
        == ["The other request's"]


def test_references_must_name_records_of_the_tenant_and_nothing_is_written(books):
    with pytest.raises(ValidationFailed) as error:
        master_data.create("item", books.tenant_id, {"code": "X", "name": "X", "tax_code_id": "txc_nowhere",
                                                     "revenue_account_id": books.accounts["4000"]})
    assert error.value.param == "tax_code_id"
    assert [issue.field for issue in error.value.details] == ["tax_code_id"]
    assert written(books) == (0, [])
    assert books.table.get(CodeGuard, *_guard_key(books, Item, "X")) is None


def test_an_account_subtype_must_fit_its_type(books):
    with pytest.raises(ValidationFailed) as error:
        master_data.create("account", books.tenant_id, {"code": "4950", "name": "X", "type": "revenue",
                                                        "subtype": "bank"})
    assert error.value.param == "subtype" and written(books) == (0, [])


def test_a_tax_code_without_account_books_to_the_sales_tax_account(books):
    code = master_data.create("tax_code", books.tenant_id, {"code": "LUX", "name": "Luxury", "rate": D("33")})
    assert code.account_id == books.system.sales_tax == books.accounts["2200"]


def test_an_item_shows_its_price_at_the_currency_minor_units(books):
    item = master_data.create("item", books.tenant_id, {"code": "H", "name": "Hour", "unit_price": D("150")})
    assert str(item.unit_price) == "150.00"
    assert str(master_data.get("item", books.tenant_id, item.id).unit_price) == "150.00"
    assert books.table.events(books.tenant_id)[-1].payload()["unit_price"] == "150.00"


def test_a_create_reads_only_what_it_needs_in_one_round_trip(books, read_rounds):
    master_data.create("party", books.tenant_id, {"name": "Globex", "kind": "customer"})
    master_data.create("account", books.tenant_id, {"code": "4911", "name": "Fees", "type": "revenue"})
    assert read_rounds == []  # the code's guard is a condition of the write, not a read
    master_data.create("item", books.tenant_id, {"code": "I", "name": "I", "unit_price": D("5"),
                                                 "tax_code_id": books.tax_codes["GST10"],
                                                 "revenue_account_id": books.accounts["4000"]})
    assert read_rounds == [3]  # the tenant (for the price), the tax code and the account


# ------------------------------------------------------------------------------------------ update


def test_update_changes_the_fields_given_and_bumps_the_version(books):
    party = master_data.create("party", books.tenant_id, {"name": "Globex", "kind": "customer"})
    updated = master_data.update("party", books.tenant_id, party.id, {"email": "ap@globex.test"}, 1)
    assert (updated.version, updated.email, updated.name) == (2, "ap@globex.test", "Globex")
    assert written(books) == (2, ["party.created", "party.updated"])


def test_a_stale_if_match_version_is_a_conflict_and_changes_nothing(books):
    party = master_data.create("party", books.tenant_id, {"name": "Globex", "kind": "customer"})
    master_data.update("party", books.tenant_id, party.id, {"name": "Globex 2"}, None)
    with pytest.raises(PreconditionFailed) as error:
        master_data.update("party", books.tenant_id, party.id, {"name": "Globex 3"}, 1)
    assert error.value.param == "If-Match"
    assert books.table.load(Party, books.tenant_id, party.id).name == "Globex 2"
    assert written(books)[0] == 2


def test_a_change_by_another_request_between_read_and_write_is_a_conflict_not_overwritten(books):
    party = master_data.create("party", books.tenant_id, {"name": "Globex", "kind": "customer"})
    other = lambda: master_data.update("party", books.tenant_id, party.id, {"name": "Theirs"}, None)  # noqa: E731
    with racing(books, other), pytest.raises(PreconditionFailed) as error:
        master_data.update("party", books.tenant_id, party.id, {"name": "Mine"}, None)
    assert "changed by another request" in error.value.message
    stored = books.table.load(Party, books.tenant_id, party.id)
    assert (stored.name, stored.version) == ("Theirs", 2)


def test_changing_a_code_moves_its_guard_and_frees_the_old_code(books):
    item = master_data.create("item", books.tenant_id, {"code": "OLD", "name": "Widget"})
    master_data.update("item", books.tenant_id, item.id, {"code": "NEW"}, None)
    assert books.table.get(CodeGuard, *_guard_key(books, Item, "OLD")) is None
    assert books.table.get(CodeGuard, *_guard_key(books, Item, "NEW")).target_id == item.id
    again = master_data.create("item", books.tenant_id, {"code": "OLD", "name": "Another"})
    assert again.code == "OLD"


def test_changing_a_code_to_one_in_use_is_a_conflict_and_changes_nothing(books):
    item = master_data.create("item", books.tenant_id, {"code": "A", "name": "A"})
    master_data.create("item", books.tenant_id, {"code": "B", "name": "B"})
    before = written(books)
    with pytest.raises(AlreadyExists):
        master_data.update("item", books.tenant_id, item.id, {"code": "B"}, None)
    assert written(books) == before
    assert books.table.load(Item, books.tenant_id, item.id).code == "A"
    assert books.table.get(CodeGuard, *_guard_key(books, Item, "A")).target_id == item.id


def test_patching_a_record_to_its_own_code_keeps_its_guard(books):
    item = master_data.create("item", books.tenant_id, {"code": "A", "name": "A"})
    updated = master_data.update("item", books.tenant_id, item.id, {"code": "A", "name": "Renamed"}, 1)
    assert (updated.version, updated.name) == (2, "Renamed")
    assert books.table.get(CodeGuard, *_guard_key(books, Item, "A")).target_id == item.id


def test_an_unknown_id_is_not_found(books):
    for call in (lambda: master_data.get("account", books.tenant_id, "acc_nowhere"),
                 lambda: master_data.update("account", books.tenant_id, "acc_nowhere", {"name": "X"}, None),
                 lambda: master_data.archive("account", books.tenant_id, "acc_nowhere", None)):
        with pytest.raises(NotFound):
            call()
    assert written(books) == (0, [])


# ------------------------------------------------------------------------------------------ archive


def test_archive_keeps_the_record_marks_it_and_emits_archived_once(books):
    account = master_data.create("account", books.tenant_id, {"code": "6500", "name": "Travel", "type": "expense"})
    archived = master_data.archive("account", books.tenant_id, account.id, 1)
    assert (archived.archived, archived.version) == (True, 2)
    assert master_data.get("account", books.tenant_id, account.id).archived is True  # readable, not gone
    assert books.table.get(CodeGuard, *_guard_key(books, Account, "6500")).target_id == account.id  # code kept
    again = master_data.archive("account", books.tenant_id, account.id, None)
    assert again.version == 3
    assert books.table.event_types(books.tenant_id) == ["account.created", "account.archived", "account.updated"]


def test_archive_with_a_stale_version_is_a_conflict_and_keeps_the_record(books):
    party = master_data.create("party", books.tenant_id, {"name": "Globex", "kind": "customer"})
    master_data.update("party", books.tenant_id, party.id, {"name": "Globex 2"}, None)
    with pytest.raises(PreconditionFailed):
        master_data.archive("party", books.tenant_id, party.id, 1)
    assert books.table.load(Party, books.tenant_id, party.id).archived is False


def test_an_archived_record_is_restored_by_a_patch(books):
    tax = master_data.create("tax_code", books.tenant_id, {"code": "Z", "name": "Zero", "rate": D("0")})
    master_data.archive("tax_code", books.tenant_id, tax.id, None)
    restored = master_data.update("tax_code", books.tenant_id, tax.id, {"archived": False}, None)
    assert restored.archived is False
    assert books.table.event_types(books.tenant_id)[-1] == "tax_code.updated"


# ------------------------------------------------------------------------------------ the unit of work


def test_the_memory_unit_claims_a_code_once(books):
    first = Item(id="itm_1", tenant_id=books.tenant_id, code="C", name="One")
    second = Item(id="itm_2", tenant_id=books.tenant_id, code="C", name="Two")
    uow = books.table.unit(books.tenant_id)
    uow.claim_code(first)
    uow.commit()
    uow = books.table.unit(books.tenant_id)
    uow.claim_code(second)
    with pytest.raises(Contention):
        uow.commit()
    uow = books.table.unit(books.tenant_id)
    uow.release_code(first, "C")
    uow.claim_code(Item(id="itm_1", tenant_id=books.tenant_id, code="D", name="One"))
    uow.commit()
    assert books.table.get(CodeGuard, *_guard_key(books, Item, "C")) is None
    assert books.table.get(CodeGuard, *_guard_key(books, Item, "D")).target_id == "itm_1"


def test_master_data_imports_no_pynamodb_and_writes_only_through_the_unit_of_work():
    for module in ("services/master_data.py", "services/document_rules.py", "api/crud.py",
                   "api/routers/accounts.py", "api/routers/items.py", "api/routers/parties.py",
                   "api/routers/tax_codes.py"):
        imported = _imports(SHARED / module)
        assert not {name for name in imported if name.startswith("pynamodb")}, module
        assert not {name for name in imported if name.endswith((".create_coded", ".update_coded", ".save_versioned",
                                                                ".commit", ".add_event", ".load"))}, module
        if module.startswith("api/"):
            assert not {name for name in imported if name.startswith("ledgerline.store")}, module


def _guard_key(books, model, code: str) -> tuple[str, str]:
    guard = CodeGuard.for_code(books.tenant_id, model.PREFIX, code)
    return guard.pk, guard.sk


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names
