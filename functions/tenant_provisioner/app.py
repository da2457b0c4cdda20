"""Lambda adapter for the `Custom::LedgerlineTenant` CloudFormation custom resource."""

from typing import Any

from ledgerline.observability import with_log_keys
from ledgerline.provisioning.custom_resource import respond


@with_log_keys
def handler(event: dict[str, Any], context: Any) -> None:
    respond(event, context)
