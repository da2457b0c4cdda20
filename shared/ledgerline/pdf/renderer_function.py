"""Rendering a PDF in the PDF renderer function, for an API function that carries no PDF stack.

In AWS only the PDF renderer function has ReportLab, Pillow and the fonts (its own layer: the API functions
stay small and start fast). A `GET …/pdf` of a document whose PDF the bus-driven render has not made yet
asks that function synchronously (`{"render": {"tenant_id", "kind", "id"}}`, see `pdf/consumer.py`) and
then reads the file it recorded. One Lambda client per process, built on first use.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from ledgerline.domain.errors import ServiceUnavailable
from ledgerline.observability import logger
from ledgerline.settings import get_settings


@cache
def lambda_client() -> Any:
    import boto3  # provided by the Lambda runtime; imported by the first render request only

    return boto3.client("lambda", region_name=get_settings().region)


def render_in_renderer(function: str, tenant_id: str, kind: str, document_id: str) -> dict[str, Any]:
    """Have the renderer function render (or find) the document's PDF; its answer, e.g. `{"rendered": True}`."""
    from botocore.exceptions import BotoCoreError, ClientError

    request = {"render": {"tenant_id": tenant_id, "kind": kind, "id": document_id}}
    try:
        answer = lambda_client().invoke(FunctionName=function, InvocationType="RequestResponse",
                                        Payload=json.dumps(request).encode())
    except (BotoCoreError, ClientError) as exc:
        logger.warning("the PDF renderer could not be invoked", extra={"error": repr(exc), **request["render"]})
        raise ServiceUnavailable("The PDF could not be rendered just now; retry shortly") from exc
    body = answer["Payload"].read()
    if answer.get("FunctionError"):
        logger.warning("the PDF renderer failed", extra={"error": body[:500].decode(errors="replace"),
                                                         **request["render"]})
        raise ServiceUnavailable("The PDF could not be rendered just now; retry shortly")
    return json.loads(body or b"{}")
