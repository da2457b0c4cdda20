"""The API Gateway REQUEST authorizer: API key → tenant and scopes, passed on to every function.

The policy allows every route because API Gateway caches it per key; each route checks its
own scope and answers 403 with the error envelope.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)

from ledgerline.domain.errors import Unauthenticated
from ledgerline.domain.rate_limits import usage_key
from ledgerline.domain.test_mode import live_tenant
from ledgerline.observability import logger
from ledgerline.services.api_keys import authenticate
from ledgerline.settings import get_settings


def bearer_token(event: APIGatewayAuthorizerRequestEvent) -> str | None:
    """The key of the one `Authorization: Bearer` header; None (refused) for none, or for two or more:
    which one is meant is ambiguous. (An authorizer can only answer 401; the functions answer 400
    `duplicate_authorization` when a cached policy lets such a request through.)"""
    multi = event.raw_event.get("multiValueHeaders") or {}
    if any(k.lower() == "authorization" and isinstance(v, list) and len(v) > 1 for k, v in multi.items()):
        return None
    header = next((v for k, v in (event.headers or {}).items() if k.lower() == "authorization"), None)
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def authorize(raw_event: dict[str, Any]) -> dict[str, Any]:
    event = APIGatewayAuthorizerRequestEvent(raw_event)
    try:
        principal = authenticate(bearer_token(event))
    except Unauthenticated as exc:
        logger.info("API key refused", extra={"reason": exc.code})
        # API Gateway turns exactly this message into a 401 (the UNAUTHORIZED gateway response).
        raise PermissionError("Unauthorized") from exc
    arn = event.parsed_arn
    policy = APIGatewayAuthorizerResponse(
        principal_id=principal.key_id, region=arn.region, aws_account_id=arn.aws_account_id,
        api_id=arn.api_id, stage=arn.stage,
        context={"tenant_id": principal.tenant_id, "key_id": principal.key_id, "scopes": " ".join(principal.scopes),
                 "plan": principal.plan,
                 "api_version": principal.api_version or ""},
        # Puts the request in its tenant's usage plan (the backstop behind the per-plan rate limits). A test
        # key's requests count against its live tenant's usage plan key: test twins have none of their own.
        usage_identifier_key=usage_key(get_settings().stack_name, live_tenant(principal.tenant_id)),
    )
    policy.allow_all_routes()
    return policy.asdict()
