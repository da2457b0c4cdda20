#!/usr/bin/env bash
# Regenerate src/schema.d.ts from the API's OpenAPI document: `make sdk` (or `npm run generate` here).
# OUT=<dir> writes into another folder (the staleness test compares a fresh copy with the committed one).
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
OUT="${OUT:-$HERE/src}"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$PYTHON" "$HERE/scripts/dump_openapi.py" > "$TMP/openapi.json"
(cd "$TMP" && "$HERE/node_modules/.bin/openapi-typescript" openapi.json --output schema.d.ts --alphabetize --default-non-nullable false >/dev/null)
mv "$TMP/schema.d.ts" "$OUT/schema.d.ts"
