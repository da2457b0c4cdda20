"""Lambda adapter for the API Gateway REQUEST authorizer."""

from typing import Any

from ledgerline.authorizer import authorize
from ledgerline.observability import with_log_keys


@with_log_keys
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return authorize(event)
