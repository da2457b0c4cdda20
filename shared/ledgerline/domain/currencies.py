"""A tenant's currencies (issue 16, part X), pure: the rounding steps a currency may have.

A currency's `rounding_step` defaults to its ISO 4217 minor unit (0.01; 1 for JPY; 0.001 for KWD) and its
`cash_rounding_step` to none, except CHF, whose cash is rounded to 0.05. A step is a positive multiple of the
minor unit (0.05 for CHF: yes; 0.001 for EUR: no, finer than its minor unit).
"""

from __future__ import annotations

from decimal import Decimal

from ledgerline.domain.errors import FieldIssue, ValidationFailed
from ledgerline.domain.money import quantum

CASH_STEPS: dict[str, Decimal] = {"CHF": Decimal("0.05")}
MAX_STEP = Decimal(100)


def default_steps(currency: str) -> tuple[Decimal, Decimal | None]:
    return quantum(currency), CASH_STEPS.get(currency)


def check_step(currency: str, step: Decimal, field: str) -> Decimal:
    """A step of `currency`: positive, at most 100, a whole number of its minor units; else a 422 on `field`."""
    unit = quantum(currency)
    if not step.is_finite() or step <= 0 or step > MAX_STEP or step % unit != 0:
        message = f"must be a positive multiple of {currency}'s minor unit {unit}, at most {MAX_STEP}"
        raise ValidationFailed(f"{field}: {message}", param=field, details=[FieldIssue(field, message)])
    return step.quantize(unit)
