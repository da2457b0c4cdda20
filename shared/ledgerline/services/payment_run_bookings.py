"""Booking a payment run's scheduled payments when the bank statement confirms them (issue 16, item 4): what
bank reconciliation calls, apart from creating runs (payment_runs.py), which writes pain.001 files with lxml
that the bank transactions function does not carry (issue 13, package size)."""

from __future__ import annotations

from datetime import date

from ledgerline.clock import utc_now
from ledgerline.domain.banking import payment_runs as rules
from ledgerline.domain.errors import NotFound
from ledgerline.domain.events import EventType
from ledgerline.schemas.payment_runs import PaymentRunOut
from ledgerline.store.payment_runs import PaymentRun, ScheduledPayment
from ledgerline.store.unit_of_work import UnitOfWork


def scheduled_for(uow: UnitOfWork, end_to_end_id: str | None) -> tuple[PaymentRun, ScheduledPayment] | None:
    """The run and its scheduled payment that a statement's end-to-end id names, or None."""
    named = rules.run_of(end_to_end_id)
    if named is None:
        return None
    ulid, position = named
    run = uow.find(PaymentRun, f"prun_{ulid}")
    if run is None or not 1 <= position <= len(run.payments):
        return None
    payment = run.payments[position - 1]
    return (run, payment) if payment.status == rules.SCHEDULED else None


def stage_booking(uow: UnitOfWork, run: PaymentRun, payment: ScheduledPayment, *, supplier_payment_id: str,
                  bank_transaction_id: str, day: date) -> None:
    """Stage the run's change when its payment is booked (with the supplier payment and the transaction's match,
    in their unit)."""
    booked = rules.book(run.status, [p.status for p in run.payments], int(payment.position))
    if booked is None:
        raise NotFound(f"No scheduled payment {payment.end_to_end_id}", param="end_to_end_id")
    statuses, run_status = booked
    now = utc_now()
    for each, status in zip(run.payments, statuses, strict=True):
        each.status = status
    payment.supplier_payment_id, payment.bank_transaction_id, payment.booked_on = (supplier_payment_id,
                                                                                   bank_transaction_id, day)
    run.status, run.updated_at = run_status, now
    if run_status == rules.COMPLETED:
        run.completed_at = now
    uow.save_if_unchanged(run)
    uow.record_event(EventType.PAYMENT_RUN_COMPLETED if run_status == rules.COMPLETED
                     else EventType.PAYMENT_RUN_UPDATED, run, PaymentRunOut)


def named_run(end_to_end_id: str | None) -> bool:
    """Whether an end-to-end id has the shape a payment run writes (the run is read only then)."""
    return rules.run_of(end_to_end_id) is not None


def booked_by(uow: UnitOfWork, end_to_end_id: str | None,
              transaction_id: str) -> tuple[PaymentRun, ScheduledPayment] | None:
    """The run and its payment that this bank transaction booked, or None."""
    named = rules.run_of(end_to_end_id)
    if named is None:
        return None
    run = uow.find(PaymentRun, f"prun_{named[0]}")
    if run is None or not 1 <= named[1] <= len(run.payments):
        return None
    payment = run.payments[named[1] - 1]
    return (run, payment) if payment.status == rules.BOOKED and payment.bank_transaction_id == transaction_id \
        else None


def stage_unbooking(uow: UnitOfWork, run: PaymentRun, payment: ScheduledPayment) -> None:
    """Stage the run's change when the transaction that booked its payment is unmatched: scheduled again."""
    statuses, run_status = rules.unbook([p.status for p in run.payments], int(payment.position))
    for each, status in zip(run.payments, statuses, strict=True):
        each.status = status
    payment.supplier_payment_id = payment.bank_transaction_id = payment.booked_on = None
    run.status, run.completed_at, run.updated_at = run_status, None, utc_now()
    uow.save_if_unchanged(run)
    uow.record_event(EventType.PAYMENT_RUN_UPDATED, run, PaymentRunOut)
