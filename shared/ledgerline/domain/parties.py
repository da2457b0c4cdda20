"""A document's party: who the document is with, and in which role.

Sales documents (invoices, credit notes, reminders; quotes and orders later) are with a customer, purchase
documents (supplier bills, purchase orders) with a supplier. The role decides the direction of a document's
posting; the totals (`domain/positions.py`) are the same for both. The API and the stored documents keep
`customer_id`/`customer_name` on sales documents; `PartyRef.of_customer` reads them as a party.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PartyRole(StrEnum):
    CUSTOMER = "customer"
    SUPPLIER = "supplier"

    @property
    def direction(self) -> str:
        """'sales' or 'purchases'."""
        return "sales" if self is PartyRole.CUSTOMER else "purchases"

    @property
    def posting_sign(self) -> int:
        """The sign of a document's nets and tax in the ledger (positive is a debit): a sale credits revenue
        and output tax (−1), a purchase debits expense and input tax (+1). The party's account (receivable,
        payable) takes the total with the opposite sign."""
        return -1 if self is PartyRole.CUSTOMER else 1


@dataclass(frozen=True)
class PartyRef:
    id: str
    name: str
    role: PartyRole

    @classmethod
    def of_customer(cls, customer_id: str, customer_name: str) -> PartyRef:
        return cls(customer_id, customer_name, PartyRole.CUSTOMER)

    @property
    def direction(self) -> str:
        return self.role.direction
