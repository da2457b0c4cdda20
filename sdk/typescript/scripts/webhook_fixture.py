"""Print test/fixtures/webhooks.json: webhooks signed by the server's own code (domain/webhook_signing.py).

The SDK's tests verify these; tests/unit/test_typescript_sdk.py checks the committed file is what the server's
code signs today, so a change of the scheme fails there and not only in production.
"""

from __future__ import annotations

import json
import sys

from ledgerline.domain import webhook_signing

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OLD_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
BODY = json.dumps({"id": "evt_01KBQ8Z3", "type": "invoice.posted", "created": "2026-12-05T21:00:00Z",
                   "livemode": True, "api_version": "2026-12-05",
                   "data": {"object": {"id": "inv_01KBQ8Z3", "number": "INV-2026-0001", "total": "1375.00",
                                       "customer_name": "Müller & Söhne GmbH"}}},
                  ensure_ascii=False)


def main() -> int:
    timestamp = 1796504400
    fixture = {
        "secret": SECRET,
        "old_secret": OLD_SECRET,
        "timestamp": timestamp,
        "body": BODY,
        # one secret, and a rotation (the header carries a signature per secret)
        "headers": webhook_signing.headers("msg_01KBQ8Z3", timestamp, BODY, [SECRET]),
        "rotated_headers": webhook_signing.headers("msg_01KBQ8Z4", timestamp, BODY, [SECRET, OLD_SECRET]),
    }
    sys.stdout.write(json.dumps(fixture, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
