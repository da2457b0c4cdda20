"""Lambda adapter for the `Custom::LedgerlineTenant` CloudFormation custom resource."""

from typing import Any

from ledgerline.observability import logger
from ledgerline.provisioning.custom_resource import respond


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> None:
    respond(event, context)
