"""Posting to WebSocket connections through API Gateway's Management API (`post_to_connection`)."""

from __future__ import annotations

from typing import Any

from ledgerline.observability import logger
from ledgerline.settings import get_settings


class ManagementApiPoster:
    """The services/stream.Poster of AWS: a GoneException (the client went away) answers False."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def post(self, connection_id: str, data: str) -> bool:
        try:
            self.client.post_to_connection(ConnectionId=connection_id, Data=data.encode())
        except self.client.exceptions.GoneException:
            return False
        return True


def management_client(endpoint_url: str) -> Any:
    import boto3

    return boto3.client("apigatewaymanagementapi", endpoint_url=endpoint_url, region_name=get_settings().region)


def callback_url(request_context: dict[str, Any] | None = None) -> str:
    """The Management API's endpoint: from the WebSocket event (its domain and stage), else the setting the
    template gives the bus consumer (`LEDGERLINE_STREAM_CALLBACK_URL`)."""
    if request_context and request_context.get("domainName") and request_context.get("stage"):
        return f"https://{request_context['domainName']}/{request_context['stage']}"
    url = get_settings().stream_callback_url
    if not url:
        logger.error("no stream callback URL (LEDGERLINE_STREAM_CALLBACK_URL)")
        raise RuntimeError("LEDGERLINE_STREAM_CALLBACK_URL is not set")
    return url
