"""`ledgerline`: what operators do locally. Run `ledgerline --help`."""

from __future__ import annotations

import argparse
import json
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

from ledgerline.domain.countries import is_country
from ledgerline.domain.errors import LedgerlineError, ValidationFailed
from ledgerline.domain.tenants import Plan
from ledgerline.local.dynamodb_local import DynamoDBLocal, DynamoDBLocalError, port_open
from ledgerline.local.table_setup import ensure_table
from ledgerline.local.template import PROJECT_ROOT
from ledgerline.settings import configure, get_settings
from ledgerline.store.table import reset_connection


class CliError(Exception):
    """A command that cannot do what it was asked: one line on stderr, exit 1."""


CONNECT_TIMEOUT = 3.0  # seconds to wait for DynamoDB to accept a connection before giving up


def _check_reachable(endpoint: str) -> None:
    """Fail at once, in one line, when nothing answers at the DynamoDB endpoint (botocore would retry
    for a minute and end in a traceback)."""
    parts = urlsplit(endpoint)
    host, port = parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc)).lower()
        raise CliError(f"cannot reach DynamoDB at {endpoint} ({reason}); start it (make dev) or point "
                       "LEDGERLINE_DYNAMODB_ENDPOINT at a running one") from exc


@contextmanager
def local_database() -> Iterator[None]:
    """Use the configured DynamoDB; locally, start DynamoDB Local on disk if nothing listens yet."""
    settings = get_settings()
    process = None
    own = f"http://127.0.0.1:{settings.dynamodb_port}"
    if settings.is_local and settings.dynamodb_endpoint == own and not port_open(settings.dynamodb_port):
        data = Path(settings.data_dir)
        data = data if data.is_absolute() else PROJECT_ROOT / data
        process = DynamoDBLocal(settings.dynamodb_port, data / "dynamodb").start()
        print(f"DynamoDB Local started on {own} (data in {data / 'dynamodb'})", file=sys.stderr)
    elif settings.dynamodb_endpoint:
        _check_reachable(settings.dynamodb_endpoint)
    try:
        reset_connection()
        if ensure_table():
            print(f"Created table '{settings.table_name}' from template.yaml", file=sys.stderr)
        yield
    finally:
        if process is not None:
            process.stop()


def _data_dir() -> Path:
    data = Path(get_settings().data_dir)
    return data if data.is_absolute() else PROJECT_ROOT / data


def event_pipeline():  # type: ignore[no-untyped-def]
    """The outbox relay and the webhook delivery worker, unless LEDGERLINE_LOCAL_EVENTS=false."""
    settings = get_settings()
    if not settings.local_events:
        return nullcontext()
    from ledgerline.local import event_pipeline

    return event_pipeline.running(checkpoint=_data_dir() / f"relay-{settings.table_name}.json")


@contextmanager
def mail_sink() -> Iterator[None]:
    """The local SMTP server (aiosmtpd) the email sender sends to, unless LEDGERLINE_LOCAL_MAIL=false."""
    settings = get_settings()
    if not settings.local_mail:
        yield
        return
    from ledgerline.local import mail_sink as sink

    try:
        running = sink.running(settings.smtp_host, settings.smtp_port, _data_dir() / "mail")
        running.__enter__()
    except (OSError, RuntimeError) as exc:
        raise CliError(f"cannot run the SMTP server on {settings.smtp_host}:{settings.smtp_port}: {exc}; stop "
                       f"what uses it or pick another port (LEDGERLINE_SMTP_PORT)") from exc
    try:
        yield
    finally:
        running.__exit__(None, None, None)


@contextmanager
def access_point() -> Iterator[None]:
    """The Peppol access point stand-in (issue 17) e-invoices are delivered to, unless
    LEDGERLINE_LOCAL_ACCESS_POINT=false (then LEDGERLINE_PEPPOL_ACCESS_POINT_URL names a real one)."""
    settings = get_settings()
    if not settings.local_access_point:
        yield
        return
    from ledgerline.local import access_point as stand_in

    token = settings.peppol_access_point_token
    try:
        running = stand_in.running("127.0.0.1", settings.access_point_port,
                                   token.get_secret_value() if token else None)
        running.__enter__()
    except OSError as exc:
        raise CliError(f"cannot run the access point stand-in on 127.0.0.1:{settings.access_point_port}: {exc}; "
                       f"stop what uses it or pick another port (LEDGERLINE_ACCESS_POINT_PORT)") from exc
    try:
        yield
    finally:
        running.__exit__(None, None, None)


def _job_at_start(name: str, enabled: bool, run: Callable[[], Any], summary: Callable[[Any], str]) -> None:
    """Run today's daily job in a background thread, so the server is up at once and a user sees what the
    daily schedule does in AWS (invoices turn overdue, reminders and recurring invoices appear)."""
    if not enabled:
        return

    def work() -> None:
        try:
            report = run()
        except LedgerlineError as exc:
            print(f"{name} for today failed: {exc.message}", file=sys.stderr)
            return
        print(f"{name} for {report.date}: {summary(report)}", file=sys.stderr, flush=True)

    threading.Thread(target=work, name=f"{name.lower().replace(' ', '-')}-at-start", daemon=True).start()


def reminders_at_start() -> None:
    from ledgerline.clock import today
    from ledgerline.reminders import job

    _job_at_start("Reminders job", get_settings().local_reminders_on_start, lambda: job.run(today()),
                  lambda r: f"{r.marked_overdue} invoice(s) marked overdue, {r.reminders_created} reminder(s) created")


def recurring_at_start() -> None:
    from ledgerline.clock import today
    from ledgerline.recurring import job

    _job_at_start("Recurring invoices job", get_settings().local_recurring_on_start, lambda: job.run(today()),
                  lambda r: f"{r.invoices_created} invoice(s) created, {r.quotes_expired} quote(s) expired")


def _bind(host: str, port: int) -> socket.socket:
    """The server's listening socket, bound before anything else starts: a busy port stops `dev` before it
    starts DynamoDB Local, the event pipeline or the reminders job."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is no obstacle
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CliError(f"cannot serve on {host}:{port}: {(exc.strerror or str(exc)).lower()}; stop what uses "
                       f"it or pick another port (ledgerline dev --port N, or LEDGERLINE_PORT)") from exc
    return sock


def cmd_dev(args: argparse.Namespace) -> int:
    import uvicorn

    from ledgerline.local.server import create_local_app

    settings = configure(port=args.port) if args.port else get_settings()
    listening = _bind(settings.host, settings.port)
    with listening, local_database(), mail_sink(), access_point(), event_pipeline():
        base = f"http://{settings.host}:{settings.port}"
        events = "relaying outbox events to webhooks" if settings.local_events else "events not relayed"
        mail = (f"; SMTP on {settings.smtp_host}:{settings.smtp_port}, mail in {_data_dir() / 'mail'}"
                if settings.local_mail else "")
        mail += (f"; Peppol access point stand-in on {settings.peppol_access_point_url}"
                 if settings.local_access_point else "")
        print(f"\nLedgerline is serving {base}  (OpenAPI docs: {base}/docs; {events}{mail})\n"
              "Create a tenant and its admin API key in another terminal:\n"
              '  .venv/bin/ledgerline tenant create --name "Acme Pty Ltd" --base-currency AUD --country AU\n',
              file=sys.stderr, flush=True)
        recurring_at_start()
        reminders_at_start()
        # uvicorn re-raises SIGTERM after its shutdown; exiting through SystemExit lets cleanup run.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        config = uvicorn.Config(create_local_app(), host=settings.host, port=settings.port, log_level="warning")
        uvicorn.Server(config).run(sockets=[listening])
    return 0


def cmd_tenant_create(args: argparse.Namespace) -> int:
    # The same provisioning as the Custom::LedgerlineTenant resource, without Secrets Manager: the key is printed.
    from ledgerline.provisioning import tenants
    from ledgerline.provisioning.aws import usage_plan_keys

    spec = tenants.spec(name=args.name, base_currency=args.base_currency, country=args.country, plan=args.plan,
                        settings={"timezone": args.timezone})
    try:
        with local_database():
            provisioned = tenants.provision(spec, usage_plans=usage_plan_keys())
    except tenants.PartiallyProvisioned as exc:  # only where there are usage plans (LEDGERLINE_ENVIRONMENT=aws)
        raise CliError(f"{exc}; the tenant was deactivated again") from exc
    tenant = provisioned.tenant
    print(json.dumps({"tenant_id": tenant.id, "name": tenant.name, "base_currency": tenant.base_currency,
                      "country": tenant.country, "plan": tenant.plan, "api_key": provisioned.api_key,
                      "test_api_key": provisioned.test_api_key}, indent=2))
    return 0


def cmd_tenant_update(args: argparse.Namespace) -> int:
    from ledgerline.provisioning import tenants
    from ledgerline.provisioning.aws import usage_plan_keys

    settings = {"timezone": args.timezone} if args.timezone else {}
    with local_database():
        tenant = tenants.update(args.tenant_id, name=args.name, plan=args.plan, settings=settings,
                                usage_plans=usage_plan_keys())
    print(json.dumps({"tenant_id": tenant.id, "name": tenant.name, "plan": tenant.plan, "status": tenant.status},
                     indent=2))
    return 0


def cmd_tenant_deactivate(args: argparse.Namespace) -> int:
    from ledgerline.provisioning import tenants
    from ledgerline.provisioning.aws import usage_plan_keys

    with local_database():
        found = tenants.deprovision(args.tenant_id, usage_plans=usage_plan_keys())
    if not found:
        raise CliError(f"no tenant {args.tenant_id}")
    print(json.dumps({"tenant_id": args.tenant_id, "status": "deactivated"}, indent=2))
    return 0


def cmd_tenant_list(args: argparse.Namespace) -> int:
    """Every tenant in the table's tenant directory, oldest first, as a JSON array."""
    from ledgerline.provisioning import tenants

    with local_database():
        listed = [{"tenant_id": t.id, "name": t.name, "base_currency": t.base_currency, "country": t.country,
                   "plan": t.plan, "status": t.status, "created_at": t.created_at.isoformat()}
                  for t in tenants.list_tenants()]
    print(json.dumps(listed, indent=2, ensure_ascii=False))
    return 0


def cmd_tenant_rotate_admin_key(args: argparse.Namespace) -> int:
    """A new admin key for a tenant whose admin key was lost or leaked; the admin keys made by provisioning
    (and earlier rotations) are revoked. Keys the tenant made itself through the API are kept."""
    from ledgerline.provisioning import tenants

    tenant_id = args.tenant_id or args.tenant
    if not tenant_id:
        raise _usage(args, "give the tenant id (ten_…)")
    with local_database():
        rotated = tenants.rotate_admin_key(tenant_id)
    print(json.dumps({"tenant_id": tenant_id, "api_key": rotated.api_key, "key_id": rotated.key_id,
                      "revoked_key_ids": rotated.revoked_key_ids}, indent=2))
    return 0


def cmd_events_replay(args: argparse.Namespace) -> int:
    """Queue the events since a moment to one endpoint and make the first attempts in this process."""
    from ledgerline.local.event_pipeline import delivery_worker
    from ledgerline.services import webhooks
    from ledgerline.webhooks.runtime import outbound

    since, until = args.since, args.until
    with local_database():
        result = webhooks.replay(args.tenant, args.webhook, since, until, outbound())
        worker = delivery_worker()
        while not worker.queue.idle():
            worker.run_due() or time.sleep(0.05)
    # Each delivery records its attempts (GET /v1/webhooks/{id}/deliveries); retries of failed ones
    # happen in `ledgerline dev` only if it is this process, so retry those from the API.
    print(json.dumps({k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in result.items()}, indent=2))
    return 0


def cmd_webhooks_listen(args: argparse.Namespace) -> int:
    from ledgerline.local.listen import serve

    serve(args.port, args.secret)
    return 0


def _run_job(job: Any, args: argparse.Namespace) -> int:
    """A daily job for a date (default today), for every tenant or one, as JSON; a later date only with
    --dry-run, which writes nothing."""
    from ledgerline.clock import today
    from ledgerline.observability import logger
    from ledgerline.store.tenants import find_tenant

    day = args.date or today()
    level = logger.log_level
    logger.setLevel("WARNING")  # the report below is the output; Lambda keeps the INFO log lines
    try:
        with local_database():
            if args.tenant and find_tenant(args.tenant) is None:
                raise CliError(f"no tenant {args.tenant}")
            report = job.run(day, [args.tenant] if args.tenant else None, dry_run=args.dry_run)
    except job.FutureRunRefused as exc:
        return _fail(exc.message, 2)
    finally:
        logger.setLevel(level)  # main() may run in a process that goes on logging (tests, tools)
    print(json.dumps(report.as_dict(), indent=2))
    return 1 if report.failures else 0


def cmd_reminders_run(args: argparse.Namespace) -> int:
    """The daily dunning job (see `_run_job`)."""
    from ledgerline.reminders import job

    return _run_job(job, args)


def cmd_recurring_run(args: argparse.Namespace) -> int:
    """The daily recurring invoices job (see `_run_job`)."""
    from ledgerline.recurring import job

    return _run_job(job, args)


def _mail_folder():  # type: ignore[no-untyped-def]
    from ledgerline.local.mail_sink import MailFolder

    return MailFolder(_data_dir() / "mail")


def cmd_mail_list(args: argparse.Namespace) -> int:
    """The messages the local SMTP server kept, oldest first, as JSON."""
    folder = _mail_folder()
    print(json.dumps([folder.summary(message_id) for message_id in folder.ids()], indent=2))
    return 0


def cmd_mail_show(args: argparse.Namespace) -> int:
    """One kept message: the raw message (headers and MIME parts), or its text body with --text."""
    folder = _mail_folder()
    try:
        if args.text:
            body = folder.message(args.id).get_body(preferencelist=("plain",))
            print(body.get_content() if body is not None else "")
        else:
            sys.stdout.write(folder.raw(args.id).decode(errors="replace"))
    except FileNotFoundError as exc:
        raise CliError(f"no message {args.id} in {folder.folder}") from exc
    return 0


def cmd_customers_reindex(args: argparse.Namespace) -> int:
    """Index documents saved before the customer open-items index (GSI3) existed, for one tenant or all."""
    from ledgerline.store.documents import index_customer_items
    from ledgerline.store.tenant_directory import all_tenant_ids

    with local_database():
        tenant_ids = [args.tenant] if args.tenant else list(all_tenant_ids())
        changed = sum(index_customer_items(tenant_id) for tenant_id in tenant_ids)
    print(json.dumps({"tenants": len(tenant_ids), "documents_indexed": changed}))
    return 0


def cmd_query_reindex(args: argparse.Namespace) -> int:
    """Index records of the planned lists (store/lists.py) saved before the query indexes (issue 18)."""
    from ledgerline.store.lists import index_query_keys
    from ledgerline.store.tenant_directory import all_tenant_ids

    with local_database():
        tenant_ids = [args.tenant] if args.tenant else list(all_tenant_ids())
        changed = sum(index_query_keys(tenant_id) for tenant_id in tenant_ids)
    print(json.dumps({"tenants": len(tenant_ids), "records_indexed": changed}))
    return 0


def cmd_rates_import(args: argparse.Namespace) -> int:
    """Add a tenant's exchange rates from a file: CSV (date,currency,rate[,source]) or the ECB's eurofxref XML."""
    from ledgerline.services.exchange_rates import import_file

    try:
        content = Path(args.file).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    with local_database():
        result = import_file(args.tenant, content, args.source)
    print(json.dumps(result))
    return 0


# ------------------------------------------------------------------------------- arguments


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a moment: {text!r}; use ISO 8601, e.g. 2026-11-21T10:00:00Z") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a time zone, e.g. 2026-11-21T10:00:00Z")
    return moment


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r}; use YYYY-MM-DD, e.g. 2026-12-31") from None


def _country(text: str) -> str:
    if not is_country(text):
        raise argparse.ArgumentTypeError(f"unknown country {text!r}; use an ISO 3166-1 alpha-2 code such as AU, "
                                         "NZ, DE, CH, GB, US")
    return text.upper()


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port: {text!r}; use a number from 1 to 65535")
    return port


def _version() -> str:
    try:
        return metadata.version("ledgerline")
    except metadata.PackageNotFoundError:  # run from a source tree without installing
        return "unknown"


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (`ledgerline: error: …`, with where to find help), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"ledgerline: error: {message} (see '{self.prog} --help')\n")


def _usage(args: argparse.Namespace, message: str) -> SystemExit:
    print(f"ledgerline: error: {message} (see 'ledgerline {args.command} {args.action} --help')", file=sys.stderr)
    return SystemExit(2)


def parser() -> argparse.ArgumentParser:
    root = Parser(prog="ledgerline", description="Ledgerline local runtime and operator tasks")
    root.add_argument("--version", action="version", version=f"ledgerline {_version()}")
    commands = root.add_subparsers(dest="command", required=True, metavar="command")

    dev = commands.add_parser("dev", help="start DynamoDB Local (data on disk) and serve the API")
    dev.add_argument("--port", type=_port, help="HTTP port (default 3000, or LEDGERLINE_PORT)")
    dev.set_defaults(run=cmd_dev)

    tenant = commands.add_parser("tenant", help="tenant operations").add_subparsers(dest="action", required=True,
                                                                                  metavar="action")
    create = tenant.add_parser("create", help="create a tenant with a default chart, tax codes and an admin key")
    create.add_argument("--name", required=True)
    create.add_argument("--base-currency", required=True)
    create.add_argument("--country", required=True, type=_country,
                        help="ISO 3166-1 alpha-2, e.g. AU; picks the default tax codes and what invoices print")
    create.add_argument("--plan", default=Plan.STARTER.value, choices=[p.value for p in Plan])
    create.add_argument("--timezone", default="UTC")
    create.set_defaults(run=cmd_tenant_create)
    update = tenant.add_parser("update", help="change a tenant's name, plan or time zone (as its stack's Update does)")
    update.add_argument("tenant_id", help="the tenant id (ten_…)")
    update.add_argument("--name")
    update.add_argument("--plan", choices=[p.value for p in Plan])
    update.add_argument("--timezone")
    update.set_defaults(run=cmd_tenant_update)
    deactivate = tenant.add_parser("deactivate", help="refuse a tenant's keys from now on and revoke them; "
                                                      "its books are kept (as deleting its stack does)")
    deactivate.add_argument("tenant_id", help="the tenant id (ten_…)")
    deactivate.set_defaults(run=cmd_tenant_deactivate)
    listing = tenant.add_parser("list", help="every tenant (id, name, country, plan, status) as JSON")
    listing.set_defaults(run=cmd_tenant_list)
    rotate = tenant.add_parser("rotate-admin-key", help="print a new admin key and revoke the admin key(s) made "
                                                        "by provisioning; keys made through the API are kept")
    rotate.add_argument("tenant_id", nargs="?", help="the tenant id (ten_…)")
    rotate.add_argument("--tenant", help="the tenant id, as an option")
    rotate.set_defaults(run=cmd_tenant_rotate_admin_key)

    events = commands.add_parser("events", help="event operations").add_subparsers(dest="action", required=True,
                                                                                  metavar="action")
    replay = events.add_parser("replay", help="send a webhook endpoint every event it subscribes to since a moment")
    replay.add_argument("--tenant", required=True, help="the tenant id (ten_…)")
    replay.add_argument("--webhook", required=True, help="the webhook endpoint id (whe_…)")
    replay.add_argument("--since", required=True, type=_moment,
                        help="ISO 8601 with a time zone, e.g. 2026-11-21T00:00:00Z")
    replay.add_argument("--until", type=_moment, help="ISO 8601 with a time zone; default now")
    replay.set_defaults(run=cmd_events_replay)

    dunning = commands.add_parser("reminders", help="payment reminders (dunning)").add_subparsers(
        dest="action", required=True, metavar="action")
    run = dunning.add_parser(
        "run", help="run the daily reminders job for a day: mark the invoices overdue on that day, create the "
                    "reminders due on it (writes, with events)",
        description="Run the daily reminders job for one day (default today, UTC), as the schedule does: every open "
                    "invoice past its due date on that day is marked overdue (event invoice.overdue) and gets the "
                    "reminder of the dunning level due that day (event reminder.created, dated that day, with its "
                    "fee invoice if the level has a fee). This writes. The day may be today or earlier (to catch "
                    "up a missed run); a later day is refused unless --dry-run, which prints what the run would do "
                    "and writes nothing. Prints a JSON report; exit 1 if an invoice failed, 2 if refused.")
    run.add_argument("--date", type=_day,
                     help="YYYY-MM-DD, today (UTC) or earlier; default today. A later date needs --dry-run")
    run.add_argument("--dry-run", action="store_true",
                     help="print what the run would do (any date, also a future one) and write nothing")
    run.add_argument("--tenant", help="only this tenant (ten_…); default every tenant")
    run.set_defaults(run=cmd_reminders_run)

    recurring = commands.add_parser("recurring", help="recurring invoices").add_subparsers(
        dest="action", required=True, metavar="action")
    rrun = recurring.add_parser(
        "run", help="run the daily recurring invoices job for a day: make every invoice due on or before it "
                    "(writes, with events)",
        description="Run the daily recurring invoices job for one day (default today, UTC), as the schedule does: "
                    "every active recurring invoice makes the invoice of each period whose day is on or before "
                    "that day and not invoiced yet (dated the period's day; posted with auto_post), once per "
                    "period however often it runs (with auto_send, its email queued), and writes quote.expired "
                    "once for each quote expired by then. The day may be today or earlier; a later day is refused "
                    "unless --dry-run, which prints the periods that are due and writes nothing. Prints a JSON report; "
                    "exit 1 if a recurring invoice failed, 2 if refused.")
    rrun.add_argument("--date", type=_day, help="YYYY-MM-DD, today (UTC) or earlier; default today. A later date "
                                                "needs --dry-run")
    rrun.add_argument("--dry-run", action="store_true", help="print what the run would do and write nothing")
    rrun.add_argument("--tenant", help="only this tenant (ten_…); default every tenant")
    rrun.set_defaults(run=cmd_recurring_run)

    customers = commands.add_parser("customers", help="customer balances").add_subparsers(
        dest="action", required=True, metavar="action")
    reindex = customers.add_parser("reindex", help="put documents saved before the customer open-items index "
                                                   "(GSI3) into it; safe to run again")
    reindex.add_argument("--tenant", help="only this tenant (ten_…); default every tenant")
    reindex.set_defaults(run=cmd_customers_reindex)

    query = commands.add_parser("query", help="list queries (issue 18)").add_subparsers(
        dest="action", required=True, metavar="action")
    query_reindex = query.add_parser("reindex", help="give the records of the planned lists (invoices, parties, "
                                                     "items, accounts, tax codes, credit notes, bills, quotes) saved "
                                                     "before the query indexes their keys and searchable copies; "
                                                     "safe to run again")
    query_reindex.add_argument("--tenant", help="only this tenant (ten_…); default every tenant")
    query_reindex.set_defaults(run=cmd_query_reindex)

    rates = commands.add_parser("rates", help="exchange rates").add_subparsers(dest="action", required=True,
                                                                          metavar="action")
    rates_import = rates.add_parser("import", help="add a tenant's exchange rates from a CSV file "
                                                   "(date,currency,rate[,source]) or the ECB's eurofxref XML")
    rates_import.add_argument("file", help="the rate file")
    rates_import.add_argument("--tenant", required=True, help="the tenant (ten_…)")
    rates_import.add_argument("--source", default="csv", help="the source of CSV rows without one (default csv)")
    rates_import.set_defaults(run=cmd_rates_import)

    mail = commands.add_parser("mail", help="the messages the local SMTP server kept (.ledgerline/mail)"
                               ).add_subparsers(dest="action", required=True, metavar="action")
    mail_list = mail.add_parser("list", help="every kept message (id, date, from, to, subject, attachments) as JSON")
    mail_list.set_defaults(run=cmd_mail_list)
    show = mail.add_parser("show", help="one kept message, raw (or its text body with --text)")
    show.add_argument("id", help="the message id `mail list` shows")
    show.add_argument("--text", action="store_true", help="only the text body")
    show.set_defaults(run=cmd_mail_show)

    hooks = commands.add_parser("webhooks", help="webhook tools").add_subparsers(dest="action", required=True,
                                                                               metavar="action")
    listen = hooks.add_parser("listen", help="receive webhooks on loopback and check their signatures")
    listen.add_argument("--port", type=_port, default=4000)
    listen.add_argument("--secret", help="the endpoint's signing secret (whsec_…) to verify signatures with")
    listen.set_defaults(run=cmd_webhooks_listen)
    return root


def describe(exc: LedgerlineError) -> str:
    """A domain error in one line: each field once ("name: must not be empty", not "name: name: …")."""
    if exc.details:
        return "; ".join(detail.message if detail.message.startswith(f"{detail.field}") else
                         f"{detail.field}: {detail.message}" for detail in exc.details)
    if exc.param and not exc.message.startswith(exc.param):
        return f"{exc.param}: {exc.message}"
    return exc.message


def _fail(message: str, code: int) -> int:
    print(f"ledgerline: error: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    """Runs a command. Every failure is one line on stderr, `ledgerline: error: …`, and a non-zero exit:
    2 when the command line or a value in it is wrong, 1 when the command could not do its work."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CliError as exc:
        return _fail(str(exc), 1)
    except DynamoDBLocalError as exc:
        return _fail(str(exc), 1)
    except ValidationFailed as exc:
        return _fail(describe(exc), 2)
    except LedgerlineError as exc:
        return _fail(describe(exc), 1)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, not a traceback
        return _fail(_unexpected(exc), 1)


def _unexpected(exc: Exception) -> str:
    # botocore's and PynamoDB's errors say what went wrong (no credentials, unreachable endpoint, no table)
    cause = exc.__cause__ or exc.__context__
    text = str(exc) or type(exc).__name__
    if cause is not None and str(cause) and str(cause) not in text:
        text = f"{text}: {cause}"
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
