"""`ledgerline`: what operators do locally. Run `ledgerline --help`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, datetime
from pathlib import Path

from ledgerline.domain.errors import LedgerlineError
from ledgerline.domain.tenants import Plan
from ledgerline.local.dynamodb_local import DynamoDBLocal, DynamoDBLocalError, port_open
from ledgerline.local.table_setup import ensure_table
from ledgerline.local.template import PROJECT_ROOT
from ledgerline.settings import configure, get_settings
from ledgerline.store.table import reset_connection


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


def reminders_at_start() -> None:
    """Run today's reminders job in a background thread, so the server is up at once and a user sees
    invoices turn overdue and reminders appear without waiting for a schedule."""
    if not get_settings().local_reminders_on_start:
        return

    def work() -> None:
        from ledgerline.clock import today
        from ledgerline.reminders import job

        try:
            report = job.run(today())
        except LedgerlineError as exc:
            print(f"Reminders job for today failed: {exc.message}", file=sys.stderr)
            return
        print(f"Reminders job for {report.date}: {report.marked_overdue} invoice(s) marked overdue, "
              f"{report.reminders_created} reminder(s) created", file=sys.stderr, flush=True)

    threading.Thread(target=work, name="reminders-at-start", daemon=True).start()


def cmd_dev(args: argparse.Namespace) -> int:
    import uvicorn

    from ledgerline.local.server import create_local_app

    settings = configure(port=args.port) if args.port else get_settings()
    with local_database(), event_pipeline():
        base = f"http://{settings.host}:{settings.port}"
        events = "relaying outbox events to webhooks" if settings.local_events else "events not relayed"
        print(f"\nLedgerline is serving {base}  (OpenAPI docs: {base}/docs; {events})\n"
              "Create a tenant and its admin API key in another terminal:\n"
              '  .venv/bin/ledgerline tenant create --name "Acme Pty Ltd" --base-currency AUD --country AU\n',
              file=sys.stderr, flush=True)
        reminders_at_start()
        # uvicorn re-raises SIGTERM after its shutdown; exiting through SystemExit lets cleanup run.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        uvicorn.run(create_local_app(), host=settings.host, port=settings.port, log_level="warning")
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
        print(f"error: {exc}; the tenant was deactivated again", file=sys.stderr)
        return 2
    tenant = provisioned.tenant
    print(json.dumps({"tenant_id": tenant.id, "name": tenant.name, "base_currency": tenant.base_currency,
                      "country": tenant.country, "plan": tenant.plan, "api_key": provisioned.api_key}, indent=2))
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
        print(f"error: no tenant {args.tenant_id}", file=sys.stderr)
        return 2
    print(json.dumps({"tenant_id": args.tenant_id, "status": "deactivated"}, indent=2))
    return 0


def cmd_events_replay(args: argparse.Namespace) -> int:
    """Queue the events since a moment to one endpoint and make the first attempts in this process."""
    from ledgerline.local.event_pipeline import delivery_worker
    from ledgerline.services import webhooks
    from ledgerline.webhooks.runtime import outbound

    since, until = _moment(args.since), _moment(args.until) if args.until else None
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


def cmd_reminders_run(args: argparse.Namespace) -> int:
    """The daily dunning job for a date (default today), for every tenant or one; a later date only
    with --dry-run, which writes nothing."""
    from ledgerline.clock import today
    from ledgerline.observability import logger
    from ledgerline.reminders import job

    logger.setLevel("WARNING")  # the report below is the output; Lambda keeps the INFO log lines
    day = date.fromisoformat(args.date) if args.date else today()
    try:
        with local_database():
            report = job.run(day, [args.tenant] if args.tenant else None, dry_run=args.dry_run)
    except job.FutureRunRefused as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(json.dumps(report.as_dict(), indent=2))
    return 1 if report.failures else 0


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise SystemExit(f"error: {text!r} needs a time zone, e.g. 2026-11-21T10:00:00Z")
    return moment


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="ledgerline", description="Ledgerline local runtime and operator tasks")
    commands = root.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="start DynamoDB Local (data on disk) and serve the API")
    dev.add_argument("--port", type=int, help="HTTP port (default 3000, or LEDGERLINE_PORT)")
    dev.set_defaults(run=cmd_dev)

    tenant = commands.add_parser("tenant", help="tenant operations").add_subparsers(dest="action", required=True)
    create = tenant.add_parser("create", help="create a tenant with a default chart, tax codes and an admin key")
    create.add_argument("--name", required=True)
    create.add_argument("--base-currency", required=True)
    create.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. AU; picks the default tax codes")
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

    events = commands.add_parser("events", help="event operations").add_subparsers(dest="action", required=True)
    replay = events.add_parser("replay", help="send a webhook endpoint every event it subscribes to since a moment")
    replay.add_argument("--tenant", required=True, help="the tenant id (ten_…)")
    replay.add_argument("--webhook", required=True, help="the webhook endpoint id (whe_…)")
    replay.add_argument("--since", required=True, help="ISO 8601 with a time zone, e.g. 2026-11-21T00:00:00Z")
    replay.add_argument("--until", help="ISO 8601 with a time zone; default now")
    replay.set_defaults(run=cmd_events_replay)

    dunning = commands.add_parser("reminders", help="payment reminders (dunning)").add_subparsers(
        dest="action", required=True)
    run = dunning.add_parser(
        "run", help="run the daily reminders job for a day: mark the invoices overdue on that day, create the "
                    "reminders due on it (writes, with events)",
        description="Run the daily reminders job for one day (default today, UTC), as the schedule does: every open "
                    "invoice past its due date on that day is marked overdue (event invoice.overdue) and gets the "
                    "reminder of the dunning level due that day (event reminder.created, dated that day, with its "
                    "fee invoice if the level has a fee). This writes. The day may be today or earlier (to catch "
                    "up a missed run); a later day is refused unless --dry-run, which prints what the run would do "
                    "and writes nothing. Prints a JSON report; exit 1 if an invoice failed, 2 if refused.")
    run.add_argument("--date", help="YYYY-MM-DD, today (UTC) or earlier; default today. A later date needs --dry-run")
    run.add_argument("--dry-run", action="store_true",
                     help="print what the run would do (any date, also a future one) and write nothing")
    run.add_argument("--tenant", help="only this tenant (ten_…); default every tenant")
    run.set_defaults(run=cmd_reminders_run)

    hooks = commands.add_parser("webhooks", help="webhook tools").add_subparsers(dest="action", required=True)
    listen = hooks.add_parser("listen", help="receive webhooks on loopback and check their signatures")
    listen.add_argument("--port", type=int, default=4000)
    listen.add_argument("--secret", help="the endpoint's signing secret (whsec_…) to verify signatures with")
    listen.set_defaults(run=cmd_webhooks_listen)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except DynamoDBLocalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except LedgerlineError as exc:
        print(f"error: {exc.param + ': ' if exc.param else ''}{exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
