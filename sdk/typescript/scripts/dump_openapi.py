"""Print the API's OpenAPI document (the local server's app, as `GET /openapi.json` answers) as sorted JSON.

The TypeScript SDK's types are generated from it (scripts/generate.sh). It builds the app only: no database,
no server, so the output depends on the code alone.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> int:
    os.environ.setdefault("LEDGERLINE_ENVIRONMENT", "local")
    from ledgerline.local.server import create_local_app

    document = create_local_app().openapi()
    sys.stdout.write(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
