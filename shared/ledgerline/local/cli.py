"""`ledgerline`: what operators do locally. Run `ledgerline --help`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


def cmd_dev(args: argparse.Namespace) -> int:
    import uvicorn

    from ledgerline.local.server import create_local_app

    settings = configure(port=args.port) if args.port else get_settings()
    with local_database():
        base = f"http://{settings.host}:{settings.port}"
        print(f"\nLedgerline is serving {base}  (OpenAPI docs: {base}/docs)\n"
              "Create a tenant and its admin API key in another terminal:\n"
              '  .venv/bin/ledgerline tenant create --name "Acme Pty Ltd" --base-currency AUD --country AU\n',
              file=sys.stderr, flush=True)
        # uvicorn re-raises SIGTERM after its shutdown; exiting through SystemExit lets cleanup run.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        uvicorn.run(create_local_app(), host=settings.host, port=settings.port, log_level="warning")
    return 0


def cmd_tenant_create(args: argparse.Namespace) -> int:
    from ledgerline.services.tenants import create_tenant

    with local_database():
        tenant, secret = create_tenant(name=args.name, base_currency=args.base_currency.upper(),
                                       country=args.country, plan=args.plan, timezone=args.timezone)
    print(json.dumps({"tenant_id": tenant.id, "name": tenant.name, "base_currency": tenant.base_currency,
                      "country": tenant.country, "plan": tenant.plan, "api_key": secret}, indent=2))
    return 0


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
