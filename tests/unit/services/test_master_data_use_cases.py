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
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.unit_of_work import open_unit, using

SHARED = Path(__file__).resolve().parents[3] / "shared" / "ledgerline"


@pytest.fixture
def coded(books):
    """The books with the code guards the tenant's default chart and tax codes hold (as provisioning writes)."""
    for model, codes in ((Account, books.accounts), (TaxCode, books.tax_codes)):
        for code, record_id in codes.items():
            books.table.put(CodeGuard.for_code(books.tenant_id, model.PREFIX, code, record_id))
    return books


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


def test_create_writes_the_record_and_its_event_in_one_transaction(coded):
    party = master_data.create("party", coded.tenant_id, {"name": "Globex", "kind": "customer"})
    assert (party.id[:4], party.version, party.archived) == ("pty_", 1, False)
    stored = coded.table.load(Party, coded.tenant_id, party.id)
    assert (stored.name, stored.version) == ("Globex", 1)
    assert written(coded) == (1, ["party.created"])
    assert coded.table.events(coded.tenant_id)[0].payload()["version"] == 1


def test_a_coded_record_claims_its_code_with_the_record(coded):
    account = master_data.create(Account, coded.tenant_id, {"code": "4910", "name": "Fees", "type": "revenue"})
    guard = coded.table.get(CodeGuard, *_guard_key(coded, Account, "4910"))
    assert guard is not None and guard.target_id == account.id
    with using(coded.table.unit):
        assert open_unit(coded.tenant_id).find_by_code(Account, "4910").id == account.id
        assert open_unit(coded.tenant_id).find_by_code(Account, "9999") is None


@pytest.mark.parametrize(("kind", "fields"), [
    ("account", {"code": "1010", "name": "Another bank", "type": "asset"}),  # the default chart's
    ("tax_code", {"code": "GST10", "name": "Again", "rate": D("10")}),
    ("item", {"code": "SKU-1", "name": "Second"}),
])
def test_a_duplicate_code_is_a_conflict_and_writes_nothing(coded, kind, fields):
    if kind == "item":
        master_data.create("item", coded.tenant_id, {"code": "SKU-1", "name": "First"})
    before = written(coded)
    with pytest.raises(AlreadyExists) as error:
        master_data.create(kind, coded.tenant_id, fields)
    assert (error.value.code, error.value.param) == ("duplicate_code", "code")
    assert written(coded) == before


def test_a_code_taken_between_read_and_write_is_a_conflict(coded):
    other = {"code": "SKU-9", "name": "The other request's"}
    with racing(coded, lambda: master_data.create("item", coded.tenant_id, other)), \
            pytest.raises(AlreadyExists) as error:
        master_data.create("item", coded.tenant_id, {"code": "SKU-9", "name": "Mine"})
    assert error.value.code == "duplicate_code"
    assert [i.name for i in coded.table.partition(Item, f"T#{coded.tenant_id}") if i.sk.startswith("ITEM#")] \
        == ["The other request's"]


def test_references_must_name_records_of_the_tenant_and_nothing_is_written(coded):
    with pytest.raises(ValidationFailed) as error:
        master_data.create("item", coded.tenant_id, {"code": "X", "name": "X", "tax_code_id": "txc_nowhere",
                                                     "revenue_account_id": coded.accounts["4000"]})
    assert error.value.param == "tax_code_id"
    assert [issue.field for issue in error.value.details] == ["tax_code_id"]
    assert written(coded) == (0, [])
    assert coded.table.get(CodeGuard, *_guard_key(coded, Item, "X")) is None


def test_an_account_subtype_must_fit_its_type(coded):
    with pytest.raises(ValidationFailed) as error:
        master_data.create("account", coded.tenant_id, {"code": "4950", "name": "X", "type": "revenue",
                                                        "subtype": "bank"})
    assert error.value.param == "subtype" and written(coded) == (0, [])


def test_a_tax_code_without_account_books_to_the_sales_tax_account(coded):
    code = master_data.create("tax_code", coded.tenant_id, {"code": "LUX", "name": "Luxury", "rate": D("33")})
    assert code.account_id == coded.system.sales_tax == coded.accounts["2200"]


def test_an_item_shows_its_price_at_the_currency_minor_units(coded):
    item = master_data.create("item", coded.tenant_id, {"code": "H", "name": "Hour", "unit_price": D("150")})
    assert str(item.unit_price) == "150.00"
    assert str(master_data.get("item", coded.tenant_id, item.id).unit_price) == "150.00"
    assert coded.table.events(coded.tenant_id)[-1].payload()["unit_price"] == "150.00"


def test_a_create_reads_only_what_it_needs_in_one_round_trip(coded, read_rounds):
    master_data.create("party", coded.tenant_id, {"name": "Globex", "kind": "customer"})
    master_data.create("account", coded.tenant_id, {"code": "4911", "name": "Fees", "type": "revenue"})
    assert read_rounds == []  # the code's guard is a condition of the write, not a read
    master_data.create("item", coded.tenant_id, {"code": "I", "name": "I", "unit_price": D("5"),
                                                 "tax_code_id": coded.tax_codes["GST10"],
                                                 "revenue_account_id": coded.accounts["4000"]})
    assert read_rounds == [3]  # the tenant (for the price), the tax code and the account


# ------------------------------------------------------------------------------------------ update


def test_update_changes_the_fields_given_and_bumps_the_version(coded):
    party = master_data.create("party", coded.tenant_id, {"name": "Globex", "kind": "customer"})
    updated = master_data.update("party", coded.tenant_id, party.id, {"email": "ap@globex.test"}, 1)
    assert (updated.version, updated.email, updated.name) == (2, "ap@globex.test", "Globex")
    assert written(coded) == (2, ["party.created", "party.updated"])


def test_a_stale_if_match_version_is_a_conflict_and_changes_nothing(coded):
    party = master_data.create("party", coded.tenant_id, {"name": "Globex", "kind": "customer"})
    master_data.update("party", coded.tenant_id, party.id, {"name": "Globex 2"}, None)
    with pytest.raises(PreconditionFailed) as error:
        master_data.update("party", coded.tenant_id, party.id, {"name": "Globex 3"}, 1)
    assert error.value.param == "If-Match"
    assert coded.table.load(Party, coded.tenant_id, party.id).name == "Globex 2"
    assert written(coded)[0] == 2


def test_a_change_by_another_request_between_read_and_write_is_a_conflict_not_overwritten(coded):
    party = master_data.create("party", coded.tenant_id, {"name": "Globex", "kind": "customer"})
    other = lambda: master_data.update("party", coded.tenant_id, party.id, {"name": "Theirs"}, None)  # noqa: E731
    with racing(coded, other), pytest.raises(PreconditionFailed) as error:
        master_data.update("party", coded.tenant_id, party.id, {"name": "Mine"}, None)
    assert "changed by another request" in error.value.message
    stored = coded.table.load(Party, coded.tenant_id, party.id)
    assert (stored.name, stored.version) == ("Theirs", 2)


def test_changing_a_code_moves_its_guard_and_frees_the_old_code(coded):
    item = master_data.create("item", coded.tenant_id, {"code": "OLD", "name": "Widget"})
    master_data.update("item", coded.tenant_id, item.id, {"code": "NEW"}, None)
    assert coded.table.get(CodeGuard, *_guard_key(coded, Item, "OLD")) is None
    assert coded.table.get(CodeGuard, *_guard_key(coded, Item, "NEW")).target_id == item.id
    again = master_data.create("item", coded.tenant_id, {"code": "OLD", "name": "Another"})
    assert again.code == "OLD"


def test_changing_a_code_to_one_in_use_is_a_conflict_and_changes_nothing(coded):
    item = master_data.create("item", coded.tenant_id, {"code": "A", "name": "A"})
    master_data.create("item", coded.tenant_id, {"code": "B", "name": "B"})
    before = written(coded)
    with pytest.raises(AlreadyExists):
        master_data.update("item", coded.tenant_id, item.id, {"code": "B"}, None)
    assert written(coded) == before
    assert coded.table.load(Item, coded.tenant_id, item.id).code == "A"
    assert coded.table.get(CodeGuard, *_guard_key(coded, Item, "A")).target_id == item.id


def test_patching_a_record_to_its_own_code_keeps_its_guard(coded):
    item = master_data.create("item", coded.tenant_id, {"code": "A", "name": "A"})
    updated = master_data.update("item", coded.tenant_id, item.id, {"code": "A", "name": "Renamed"}, 1)
    assert (updated.version, updated.name) == (2, "Renamed")
    assert coded.table.get(CodeGuard, *_guard_key(coded, Item, "A")).target_id == item.id


def test_an_unknown_id_is_not_found(coded):
    for call in (lambda: master_data.get("account", coded.tenant_id, "acc_nowhere"),
                 lambda: master_data.update("account", coded.tenant_id, "acc_nowhere", {"name": "X"}, None),
                 lambda: master_data.archive("account", coded.tenant_id, "acc_nowhere", None)):
        with pytest.raises(NotFound):
            call()
    assert written(coded) == (0, [])


# ------------------------------------------------------------------------------------------ archive


def test_archive_keeps_the_record_marks_it_and_emits_archived_once(coded):
    account = master_data.create("account", coded.tenant_id, {"code": "6500", "name": "Travel", "type": "expense"})
    archived = master_data.archive("account", coded.tenant_id, account.id, 1)
    assert (archived.archived, archived.version) == (True, 2)
    assert master_data.get("account", coded.tenant_id, account.id).archived is True  # readable, not gone
    assert coded.table.get(CodeGuard, *_guard_key(coded, Account, "6500")).target_id == account.id  # code kept
    again = master_data.archive("account", coded.tenant_id, account.id, None)
    assert again.version == 3
    assert coded.table.event_types(coded.tenant_id) == ["account.created", "account.archived", "account.updated"]


def test_archive_with_a_stale_version_is_a_conflict_and_keeps_the_record(coded):
    party = master_data.create("party", coded.tenant_id, {"name": "Globex", "kind": "customer"})
    master_data.update("party", coded.tenant_id, party.id, {"name": "Globex 2"}, None)
    with pytest.raises(PreconditionFailed):
        master_data.archive("party", coded.tenant_id, party.id, 1)
    assert coded.table.load(Party, coded.tenant_id, party.id).archived is False


def test_an_archived_record_is_restored_by_a_patch(coded):
    tax = master_data.create("tax_code", coded.tenant_id, {"code": "Z", "name": "Zero", "rate": D("0")})
    master_data.archive("tax_code", coded.tenant_id, tax.id, None)
    restored = master_data.update("tax_code", coded.tenant_id, tax.id, {"archived": False}, None)
    assert restored.archived is False
    assert coded.table.event_types(coded.tenant_id)[-1] == "tax_code.updated"


# ------------------------------------------------------------------------------------ the unit of work


def test_the_memory_unit_claims_a_code_once(coded):
    first = Item(id="itm_1", tenant_id=coded.tenant_id, code="C", name="One")
    second = Item(id="itm_2", tenant_id=coded.tenant_id, code="C", name="Two")
    uow = coded.table.unit(coded.tenant_id)
    uow.claim_code(first)
    uow.commit()
    uow = coded.table.unit(coded.tenant_id)
    uow.claim_code(second)
    with pytest.raises(Contention):
        uow.commit()
    uow = coded.table.unit(coded.tenant_id)
    uow.release_code(first, "C")
    uow.claim_code(Item(id="itm_1", tenant_id=coded.tenant_id, code="D", name="One"))
    uow.commit()
    assert coded.table.get(CodeGuard, *_guard_key(coded, Item, "C")) is None
    assert coded.table.get(CodeGuard, *_guard_key(coded, Item, "D")).target_id == "itm_1"


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
