"""The architecture contracts of .importlinter (issue 12), checked with every unit run.

domain imports nothing of the package outside itself; store imports neither services nor api; only store
imports pynamodb; api reaches the store only through named read patterns. What the code still does against
a contract is listed in .importlinter's `ignore_imports`, each entry marked with the issue that moves it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_the_import_contracts_hold():
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / ".importlinter")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_test_files_have_unique_basenames():
    """pytest imports a test file outside a package by its basename: two `test_emails.py` in two tiers stop
    the whole run at collection (it happened when two branches each added one)."""
    from collections import Counter
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1]
    names = Counter(path.name for path in tests.rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []
