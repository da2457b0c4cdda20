"""Reports as the books grow: trial balance and aged receivables at 1k, 10k and 100k posted invoices,
side by side with Beancount computing the trial balance of the same ledger.

Seeding, honestly:

- The first invoices go through the real services: created, posted, and paid ten at a time by one
  receipt (or left open). One paid unit of ten, dated in an old December so that its invoice and
  receipt dates differ in day, month and year, is recorded call by call: every item its
  transactions wrote.
- The rest is back-filled as copies of that recorded unit: the same items, as the store's models
  serialized them, with new ids, dates and invoice numbers, written with BatchWriteItem. The balance
  and tax buckets the copies would have ADDed are summed per bucket first and ADDed once. Events of
  copies older than the events' 90-day TTL are left out, as DynamoDB would have deleted them.
- Back-filled invoices are all paid. The open ones are a fixed set among the live ones, because aged
  receivables reads the open-invoice index: its cost follows the open invoices, not the total.

Beancount gets the same ledger: the live journal entries read back from the table, and the entries
of the copies as they were written.
"""

from __future__ import annotations

import base64
import json
import re
import statistics
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ulid import ULID

from bench.ledger import Ledger
from bench.meter import Meter, metered
from bench.rawdb import RawDynamoDB
from ledgerline.clock import today
from ledgerline.domain.tenants import format_number
from ledgerline.services import reports
from ledgerline.settings import get_settings
from ledgerline.store import buckets
from ledgerline.store.accounts import all_accounts
from ledgerline.store.documents import list_documents
from ledgerline.store.ledger import JournalEntry, last_number
from ledgerline.store.tenants import load_tenant

UNIT = 10  # invoices per receipt, live and back-filled
EVENT_TTL_DAYS = 90
ULID_TOKEN = r"(?<![0-9A-Za-z])[0-9A-HJKMNP-TV-Z]{26}(?![0-9A-Za-z])"
BEANCOUNT_ROOTS = {"asset": "Assets", "liability": "Liabilities", "equity": "Equity", "revenue": "Income",
                   "expense": "Expenses"}


def median_ms(call: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(round((time.perf_counter() - start) * 1000, 1))
    return statistics.median(samples), samples


# ------------------------------------------------------------------------------------ the template


class Template:
    """One paid unit as the real services wrote it, ready to be copied with new ids, dates and numbers."""

    def __init__(self, ledger: Ledger, meter: Meter, invoice_day: date, receipt_day: date,
                 invoices: list[dict[str, Any]]) -> None:
        self.ledger = ledger
        due_day = date.fromisoformat(invoices[0]["due_date"])
        self.days = {invoice_day.isoformat(): "issue", receipt_day.isoformat(): "receipt", due_day.isoformat(): "due"}
        self.numbers = [invoice["number"] for invoice in invoices]
        final: dict[tuple[str, str], dict[str, Any]] = {}
        self.updates: list[tuple[dict[str, Any], int]] = []  # (update, index of its transaction's entry)
        entries: list[str] = []
        for call in meter.log:
            if call.operation != "TransactWriteItems" or call.error:
                continue
            entry_index = None
            for operation in call.request["TransactItems"]:
                (kind, body), = operation.items()
                if kind == "Put" and "#JE#" in body["Item"]["PK"]["S"]:
                    entries.append(body["Item"]["id"]["S"])
                    entry_index = len(entries) - 1
            for operation in call.request["TransactItems"]:
                (kind, body), = operation.items()
                if kind == "Put" and not body["Item"]["SK"]["S"].startswith("SEQ#"):
                    final[(body["Item"]["PK"]["S"], body["Item"]["SK"]["S"])] = _plain(body["Item"])
                elif kind == "Update" and not body["Key"]["SK"]["S"].startswith("SEQ#"):  # the series: set at the end
                    assert entry_index is not None, "a bucket update outside a posting"
                    self.updates.append((body, entry_index))
        self.entry_ids = entries
        items = list(final.values())
        variable = {m for item in items for m in re.findall(ULID_TOKEN, json.dumps(item))
                    if any(item_id.endswith(m) for item_id in self._document_ids(items))}
        self.ulids = sorted(variable)
        self.with_events = self._compile(items)
        self.without_events = self._compile([i for i in items if not i["PK"]["S"].endswith("#EVT")])
        self.items_per_unit = (len(items), len([i for i in items if not i["PK"]["S"].endswith("#EVT")]))
        self.journal = self._compile_journal([i for i in items if "#JE#" in i["PK"]["S"]])

    @staticmethod
    def _document_ids(items: list[dict[str, Any]]) -> set[str]:
        ids = set()
        for item in items:
            pk, sk = item["PK"]["S"], item["SK"]["S"]
            if pk.endswith("#EVT"):
                ids.add(sk)
            elif sk == "DOC":
                ids.add(item["id"]["S"])
        return ids

    def _pattern(self) -> re.Pattern[str]:
        tokens = [*self.ulids, *self.days, *self.numbers]
        return re.compile("(" + "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)) + ")")

    def _compile(self, items: list[dict[str, Any]]) -> list[str]:
        return self._pattern().split(json.dumps(items))

    def _compile_journal(self, entries: list[dict[str, Any]]) -> list[str]:
        text = "".join(_beancount_entry(self.ledger.chart, e["date"]["S"], e["description"]["S"],
                                        [(line["M"]["account_id"]["S"], Decimal(line["M"]["debit"]["N"]),
                                          Decimal(line["M"]["credit"]["N"])) for line in e["lines"]["L"]])
                       for e in sorted(entries, key=lambda e: e["id"]["S"]))
        return self._pattern().split(text)

    def copy(self, issue: date, numbers: list[str], keep_events: bool) -> tuple[list[dict[str, Any]], str,
                                                                                 list[tuple[str, str, dict, dict]]]:
        """Items, Beancount text and bucket ADDs of one copied unit issued on `issue`."""
        receipt = issue + timedelta(days=10)
        when = datetime(issue.year, issue.month, issue.day, 9, tzinfo=UTC)
        fresh = {u: str(ULID.from_datetime(when + timedelta(milliseconds=n))) for n, u in enumerate(self.ulids)}
        days = {d: {"issue": issue, "receipt": receipt, "due": issue + timedelta(days=30)}[role].isoformat()
                for d, role in self.days.items()}
        values = {**fresh, **days, **dict(zip(self.numbers, numbers, strict=True))}

        def fill(segments: list[str]) -> str:
            return "".join(values.get(s, s) if n % 2 else s for n, s in enumerate(segments))

        items = json.loads(fill(self.with_events if keep_events else self.without_events))
        periods = {old: new for role_day, role in self.days.items() if role != "due"
                   for old, new in zip(buckets.periods(date.fromisoformat(role_day)),
                                       buckets.periods(receipt if role == "receipt" else issue), strict=True)}
        shards = [buckets.shard_of(entry_id[:-26] + fresh.get(entry_id[-26:], entry_id[-26:]))
                  for entry_id in self.entry_ids]
        adds = []
        for update, entry_index in self.updates:
            kind, period, subject, _ = update["Key"]["SK"]["S"].split("#")
            names, values_ = update["ExpressionAttributeNames"], update["ExpressionAttributeValues"]
            adds.append((update["Key"]["PK"]["S"], f"{kind}#{periods[period]}#{subject}#{shards[entry_index]}",
                         {names[k]: values_[v] for k, v in _clause(update["UpdateExpression"], "SET")},
                         {names[k]: Decimal(values_[v]["N"]) for k, v in _clause(update["UpdateExpression"], "ADD")}))
        for add in adds:
            if "period" in add[2]:
                add[2]["period"] = {"S": periods[add[2]["period"]["S"]]}
        return items, fill(self.journal), adds


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """The item with its compressed attributes (issue 13) in their plain form, which the store reads too: the
    template's ids and dates inside them are then replaced in each copy like every other."""
    def plain(value: dict[str, Any]) -> dict[str, Any]:
        try:
            return json.loads(zlib.decompress(base64.b64decode(value["B"])).decode("utf-8")) if "B" in value else value
        except zlib.error:  # a binary value of another kind
            return value
    return {name: plain(value) for name, value in item.items()}


def _clause(expression: str, verb: str) -> Iterator[tuple[str, str]]:
    """`SET #0 = :0, #1 = :1 ADD #2 :2` → the (name, value) placeholders of one clause."""
    match = re.search(verb + r" (.*?)(?: (?:SET|ADD|REMOVE|DELETE) |$)", expression)
    for part in (match.group(1).split(", ") if match else []):
        name, value = part.replace(" = ", " ").split()
        yield name, value


def _beancount_entry(chart: dict[str, Any], day: str, description: str,
                     lines: list[tuple[str, Decimal, Decimal]]) -> str:
    postings = "".join(f"  {_account_name(chart[account])}  {debit - credit} AUD\n" for account, debit, credit in lines)
    return f'{day} * "{description}"\n{postings}\n'


def _account_name(account: Any) -> str:
    return f"{BEANCOUNT_ROOTS[account.type]}:C{account.code}"


# ------------------------------------------------------------------------------------ the run


class GrowingBooks:
    def __init__(self, open_invoices: int) -> None:
        self.ledger = Ledger("Growth Pty Ltd")
        self.ledger.chart = {a.id: a for a in all_accounts(self.ledger.tenant)}
        self.db = RawDynamoDB(get_settings().dynamodb_endpoint or "", get_settings().table_name)
        self.open_invoices = open_invoices
        self.invoices = 0
        self.backfilled_journal: list[str] = []
        self.live_journal: str | None = None
        self.backfilled_units = 0
        self.items_written = 0
        self.template: Template | None = None
        self.numbers: dict[int, int] = defaultdict(int)

    # -- live invoices through the services ---------------------------------------------------
    def live(self, count: int) -> float:
        start = time.perf_counter()
        first_day = today().replace(year=today().year - 3, month=12, day=25)
        with metered() as meter:
            unit = [self.ledger.posted(first_day) for _ in range(UNIT)]
            self.ledger.pay(unit, first_day + timedelta(days=10))
        self.template = Template(self.ledger, meter, first_day, first_day + timedelta(days=10), unit)
        units = (count - UNIT) // UNIT
        left_open = self.open_invoices // UNIT  # units left open, spread evenly over the 60 days

        def run(n: int) -> None:
            day = today() - timedelta(days=1 + n * 60 // max(1, units))
            posted = [self.ledger.posted(day) for _ in range(UNIT)]
            if n * left_open // units == (n + 1) * left_open // units:
                self.ledger.pay(posted, min(day + timedelta(days=10), today()))

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(run, range(units)))
        self.invoices += UNIT * (units + 1)
        for year in {first_day.year, *((today() - timedelta(days=d)).year for d in range(62))}:
            self.numbers[year] = last_number(self.ledger.tenant, "INV", year)
        return time.perf_counter() - start

    # -- back-filled copies ---------------------------------------------------------------------
    def backfill(self, target: int) -> float:
        assert self.template is not None
        start = time.perf_counter()
        units = (target - self.invoices) // UNIT
        newest, span = today() - timedelta(days=61), 730
        totals: dict[tuple[str, str], tuple[dict, dict[str, Decimal]]] = {}
        tenant = load_tenant(self.ledger.tenant)
        cutoff = today() - timedelta(days=EVENT_TTL_DAYS)

        def items() -> Iterator[dict[str, Any]]:
            for n in range(units):
                issue = newest - timedelta(days=(n * 7919) % span)  # spread over two years, in no order
                numbers = []
                for _ in range(UNIT):
                    self.numbers[issue.year] += 1
                    numbers.append(format_number(tenant.invoice_number_format, issue.year, self.numbers[issue.year]))
                copied, journal, adds = self.template.copy(issue, numbers, keep_events=issue >= cutoff)
                self.backfilled_journal.append(journal)
                for pk, sk, sets, amounts in adds:
                    kept = totals.setdefault((pk, sk), (sets, defaultdict(Decimal)))
                    for name, amount in amounts.items():
                        kept[1][name] += amount
                yield from copied

        self.items_written += self.db.put_all(items())
        self.items_written += self.db.update_all(_bucket_updates(totals))
        series = [{"Key": {"PK": {"S": f"T#{self.ledger.tenant}"}, "SK": {"S": f"SEQ#INV#{year}"}},
                   "UpdateExpression": "SET #l = :l", "ExpressionAttributeNames": {"#l": "last"},
                   "ExpressionAttributeValues": {":l": {"N": str(last)}}} for year, last in self.numbers.items()]
        self.db.update_all(series)
        self.invoices += units * UNIT
        self.backfilled_units += units
        return time.perf_counter() - start

    # -- Beancount ------------------------------------------------------------------------------
    def beancount_text(self) -> str:
        chart = self.ledger.chart
        used = sorted({_account_name(a) for a in chart.values()})
        header = 'option "operating_currency" "AUD"\n\n' + "".join(f"1900-01-01 open {name}\n" for name in used) + "\n"
        if self.live_journal is None:  # read back once, before any copy is written
            self.live_journal = "".join(self._journal_from_table())
        return header + self.live_journal + "".join(self.backfilled_journal)

    def _journal_from_table(self) -> Iterator[str]:
        chart, key = self.ledger.chart, None
        while True:
            page = list_documents(JournalEntry, self.ledger.tenant, from_date=None, to_date=None,
                                  limit=100, start_key=key)
            for e in page.items:
                yield _beancount_entry(chart, e.date.isoformat(), e.description or "",
                                       [(line.account_id, line.debit, line.credit) for line in e.lines])
            if page.next_key is None:
                return
            key = page.next_key


def _bucket_updates(totals: dict[tuple[str, str], tuple[dict, dict[str, Decimal]]]) -> Iterator[dict[str, Any]]:
    for (pk, sk), (sets, adds) in totals.items():
        names = {f"#s{n}": name for n, name in enumerate(sets)} | {f"#a{n}": name for n, name in enumerate(adds)}
        values = {f":s{n}": value for n, value in enumerate(sets.values())} | \
                 {f":a{n}": {"N": str(amount)} for n, amount in enumerate(adds.values())}
        expression = ("SET " + ", ".join(f"#s{n} = :s{n}" for n in range(len(sets))) + " ADD "
                      + ", ".join(f"#a{n} :a{n}" for n in range(len(adds))))
        yield {"Key": {"PK": {"S": pk}, "SK": {"S": sk}}, "UpdateExpression": expression,
               "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}


def beancount_trial_balance(text: str) -> dict[str, Decimal]:
    from beancount import loader
    from beancount.core import realization

    entries, errors, _ = loader.load_string(text)
    assert not errors, errors[:3]
    root = realization.realize(entries)
    balances = {}
    for account in realization.iter_children(root):
        position = account.balance.get_currency_units("AUD")
        if position.number:
            balances[account.account] = position.number
    return balances


def measure(sizes: tuple[int, ...] = (1_000, 10_000, 100_000), open_invoices: int = 250, runs: int = 5,
            beancount_runs: int = 3) -> dict[str, Any]:
    books = GrowingBooks(open_invoices)
    stages: dict[str, Any] = {}
    for size in sizes:
        seeded = books.live(size) if books.invoices == 0 else books.backfill(size)
        as_of = today()
        with metered() as tb_meter:
            ours = reports.trial_balance.report(books.ledger.tenant, as_of).model_dump(by_alias=True)
        with metered() as ar_meter:
            aged = reports.aged_receivables.report(books.ledger.tenant, as_of).model_dump(by_alias=True)
        tb_ms, tb_runs = median_ms(lambda d=as_of: reports.trial_balance.report(books.ledger.tenant, d), runs)
        ar_ms, ar_runs = median_ms(lambda d=as_of: reports.aged_receivables.report(books.ledger.tenant, d), runs)
        text = books.beancount_text()
        bc_samples, theirs = [], {}
        for _ in range(beancount_runs):
            start = time.perf_counter()
            theirs = beancount_trial_balance(text)
            bc_samples.append(round((time.perf_counter() - start) * 1000, 1))
        # Both compute the same books: every account's balance agrees to the cent
        mine = {_account_name(books.ledger.chart[row["account_id"]]): Decimal(row["balance"])
                for row in ours["accounts"] if Decimal(row["balance"])}
        assert mine == theirs, (mine, theirs)
        stages[str(books.invoices)] = {
            "invoices": books.invoices, "open_invoices": sum(c["invoices"] for c in aged["customers"]),
            "seed_seconds": round(seeded, 1), "items_backfilled": books.items_written,
            "trial_balance_ms": tb_ms, "trial_balance_runs": tb_runs, "trial_balance_calls": tb_meter.as_dict(),
            "aged_receivables_ms": ar_ms, "aged_receivables_runs": ar_runs,
            "aged_receivables_calls": ar_meter.as_dict(),
            "beancount_ms": statistics.median(bc_samples), "beancount_runs": bc_samples,
            "beancount_transactions": text.count(' * "'), "balances_agree": True,
        }
    first, last = stages[min(stages, key=int)], stages[max(stages, key=int)]
    ratios = {name: round(last[f"{name}_ms"] / first[f"{name}_ms"], 2)
              for name in ("trial_balance", "aged_receivables", "beancount")}
    return {"stages": stages, "ratio_largest_to_smallest": ratios,
            "items_per_backfilled_unit": dict(zip(("with_events", "without_events"),
                                                  books.template.items_per_unit if books.template else (0, 0),
                                                  strict=True)) | {"invoices": UNIT}}
