"""Calls the Lambda functions template.yaml declares, in process: the same adapters AWS invokes."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ledgerline.local.template import PROJECT_ROOT


@dataclass
class LocalContext:
    """What a Lambda handler reads from its context object."""

    function_name: str
    memory_limit_in_mb: int = 1024
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:local:000000000000:function:{self.function_name}"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 29_000


@cache
def function_handler(folder: str) -> Callable[[dict[str, Any], Any], Any]:
    """`handler` of functions/<folder>/app.py, loaded from its file (functions/ is not a package)."""
    name = f"functions.{folder}.app"
    if name in sys.modules:
        return sys.modules[name].handler
    path = PROJECT_ROOT / "functions" / folder / "app.py"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def invoke(folder: str, event: dict[str, Any]) -> Any:
    return function_handler(folder)(event, LocalContext(function_name=folder))
