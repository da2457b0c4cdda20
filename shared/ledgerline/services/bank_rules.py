"""Bank rules (issue 16): CRUD, and applying them to what a statement import left unmatched.

A rule names an account (and a tax code) to book matching bank transactions to (domain/banking/rules.py);
the import calls `apply` after the auto-match by reference, and each transaction a rule matches is booked
through `bank_reconciliation` (its own transaction; one that cannot be booked stays unmatched).
"""

from __future__ import annotations

from typing import Any

from ledgerline.clock import utc_now
from ledgerline.domain.banking import rules as rule_logic
from ledgerline.domain.errors import LedgerlineError
from ledgerline.domain.events import EventType
from ledgerline.domain.query import Query
from ledgerline.ids import new_id
from ledgerline.observability import logger
from ledgerline.schemas.banking import BankRuleOut
from ledgerline.services import metadata as record_metadata
from ledgerline.services.document_rules import invalid
from ledgerline.services.idempotency import once
from ledgerline.services.retry import retrying
from ledgerline.store import lists
from ledgerline.store.accounts import Account
from ledgerline.store.banking import BankAccount, BankRule, BankTransaction
from ledgerline.store.query import Result
from ledgerline.store.records import check_version
from ledgerline.store.tax_codes import TaxCode
from ledgerline.store.unit_of_work import UnitOfWork, open_unit

DEFAULTS = {"field": "any", "operator": "contains", "direction": "any", "priority": 100, "active": True}
FIELDS = ("name", "field", "operator", "value", "direction", "bank_account_id", "account_id", "tax_code_id",
          "description", "priority", "active")


def represent(rule: BankRule) -> dict[str, Any]:
    return BankRuleOut.model_validate(rule).model_dump(mode="json")


def get_bank_rule(tenant_id: str, rule_id: str) -> dict[str, Any]:
    return represent(open_unit(tenant_id).load(BankRule, rule_id))


def query_bank_rules(tenant_id: str, query: Query, *, limit: int, start_key: dict[str, Any] | None) -> Result:
    """A page of bank rules as a planned query asks (issue 18: the store's named read `lists.query_bank_rules`)."""
    return lists.query_bank_rules(tenant_id, query, limit=limit, start_key=start_key)


def _check(uow: UnitOfWork, rule: BankRule) -> None:
    """What a rule names exists in the tenant (else 422 naming the field)."""
    uow.prefetch([(Account, rule.account_id), *([(TaxCode, rule.tax_code_id)] if rule.tax_code_id else []),
                  *([(BankAccount, rule.bank_account_id)] if rule.bank_account_id else [])])
    account = uow.find(Account, rule.account_id)
    if account is None or account.archived:
        raise invalid("account_id", f"no active account with id '{rule.account_id}'")
    if rule.tax_code_id:
        code = uow.find(TaxCode, rule.tax_code_id)
        if code is None or code.archived or not code.active:
            raise invalid("tax_code_id", f"no active tax code with id '{rule.tax_code_id}'")
    if rule.bank_account_id and uow.find(BankAccount, rule.bank_account_id) is None:
        raise invalid("bank_account_id", f"no bank account with id '{rule.bank_account_id}'")


def create(tenant_id: str, fields: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    return once(tenant_id, idempotency_key, "create_bank_rule", fields,
                lambda: retrying(lambda: _create(tenant_id, fields)), in_unit=True)


def _create(tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    now = utc_now()
    rule = BankRule(id=new_id("brl"), tenant_id=tenant_id, created_at=now, updated_at=now,
                    **(DEFAULTS | {name: fields[name] for name in FIELDS if fields.get(name) is not None}))
    _check(uow, rule)
    record_metadata.on_create(rule, fields)
    uow.create(rule)
    uow.record_event(EventType.BANK_RULE_CREATED, rule, BankRuleOut)
    uow.respond(BankRuleOut, rule)
    uow.commit()
    return represent(rule)


def update(tenant_id: str, rule_id: str, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    return retrying(lambda: _update(tenant_id, rule_id, changes, expected_version))


def _update(tenant_id: str, rule_id: str, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    uow = open_unit(tenant_id)
    uow.prefetch([(BankRule, rule_id)])
    rule = uow.load(BankRule, rule_id)
    check_version(rule, expected_version)
    nullable = ("bank_account_id", "tax_code_id", "description")
    for name in FIELDS:
        if name in changes and (changes[name] is not None or name in nullable):
            setattr(rule, name, changes[name])
    record_metadata.take(rule, changes)  # issue 20
    _check(uow, rule)
    rule.updated_at = utc_now()
    uow.save_if_unchanged(rule)
    uow.record_event(EventType.BANK_RULE_UPDATED, rule, BankRuleOut)
    uow.respond(BankRuleOut, rule)
    uow.commit()
    return represent(rule)


def delete(tenant_id: str, rule_id: str) -> None:
    retrying(lambda: _delete(tenant_id, rule_id))


def _delete(tenant_id: str, rule_id: str) -> None:
    uow = open_unit(tenant_id)
    rule = uow.load(BankRule, rule_id)
    uow.delete(rule)
    uow.record_event(EventType.BANK_RULE_DELETED, rule, BankRuleOut)
    uow.commit()


# ------------------------------------------------------------------------------------ on import


def _facts(rule: BankRule) -> rule_logic.RuleFacts:
    return rule_logic.RuleFacts(rule.id, rule.field, rule.operator, rule.value, rule.direction,
                                rule.bank_account_id, int(rule.priority), rule.created_at)


def apply(tenant_id: str, transaction_ids: list[str]) -> list[str]:
    """Book each of these transactions still unmatched by the first active rule that matches it. The ids
    booked. The transactions are read `MATCH_STEP` at a time, so every one of a statement of any size is
    seen (issue 16, part V)."""
    from ledgerline.services import bank_reconciliation

    uow = open_unit(tenant_id)
    rules = {rule.id: rule for rule in uow.bank_rules() if rule.active}
    if not rules:
        return []
    facts = [_facts(rule) for rule in rules.values()]
    booked: list[str] = []
    for step in bank_reconciliation.in_steps(transaction_ids):
        booked += _apply_step(tenant_id, step, rules, facts)
    return booked


def _apply_step(tenant_id: str, transaction_ids: list[str], rules: dict[str, BankRule],
                facts: list[rule_logic.RuleFacts]) -> list[str]:
    from ledgerline.services import bank_reconciliation

    uow = open_unit(tenant_id)
    uow.prefetch([(BankTransaction, tid) for tid in transaction_ids])
    booked: list[str] = []
    for tid in transaction_ids:
        transaction = uow.find(BankTransaction, tid)
        if transaction is None or transaction.status != "unmatched":
            continue
        seen = rule_logic.Seen(transaction.bank_account_id, transaction.amount, transaction.counterparty_name,
                               transaction.counterparty_iban, transaction.remittance_information,
                               transaction.reference)
        found = rule_logic.first_matching(facts, seen)
        if found is None:
            continue
        rule = rules[found.id]
        fields = {"account_id": rule.account_id, "tax_code_id": rule.tax_code_id,
                  "description": rule.description or rule.name}
        try:
            bank_reconciliation.book_by_rule(tenant_id, tid, fields, rule.id)
        except LedgerlineError as exc:
            logger.info("bank rule not applied", extra={"transaction_id": tid, "rule_id": rule.id,
                                                        "reason": str(exc)})
            continue
        booked.append(tid)
    return booked
