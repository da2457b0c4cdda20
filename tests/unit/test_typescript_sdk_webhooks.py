"""The TypeScript SDK's webhook fixture is what the server's signing code produces (issue 20, part TS).

The SDK's `verifyWebhook` is tested against sdk/typescript/test/fixtures/webhooks.json; this keeps that file
equal to what `domain/webhook_signing.py` signs today, so a change of the scheme fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys

from ledgerline.domain import webhook_signing
from tests.conftest import ROOT

SDK = ROOT / "sdk" / "typescript"
FIXTURE = SDK / "test" / "fixtures" / "webhooks.json"


def test_the_committed_webhook_fixture_is_what_the_server_signs_today():
    fresh = subprocess.run([sys.executable, str(SDK / "scripts" / "webhook_fixture.py")], capture_output=True,
                           text=True, check=True, timeout=60).stdout
    assert json.loads(FIXTURE.read_text()) == json.loads(fresh), (
        "sdk/typescript/test/fixtures/webhooks.json is stale: run "
        "`.venv/bin/python sdk/typescript/scripts/webhook_fixture.py > sdk/typescript/test/fixtures/webhooks.json`")


def test_the_fixture_signs_the_body_the_server_sends():
    fixture = json.loads(FIXTURE.read_text())
    headers = fixture["headers"]
    assert headers["webhook-signature"] == webhook_signing.signature(
        fixture["secret"], headers["webhook-id"], int(headers["webhook-timestamp"]), fixture["body"])
    assert len(fixture["rotated_headers"]["webhook-signature"].split(" ")) == 2
