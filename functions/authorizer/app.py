"""Lambda adapter for the API Gateway REQUEST authorizer."""

from typing import Any

from ledgerline.authorizer import authorize
from ledgerline.observability import logger


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return authorize(event)
