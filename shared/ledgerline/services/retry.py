"""Re-running a use case when a concurrent writer got there first."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from ledgerline.domain.errors import ServiceUnavailable
from ledgerline.observability import logger
from ledgerline.store.table import Contention

T = TypeVar("T")

ATTEMPTS = 40
BASE_DELAY = 0.005
MAX_DELAY = 0.25


def retrying(operation: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run `operation` (which re-reads what it needs) until its transaction commits.

    Full jitter on an exponential backoff: concurrent writers of one tenant (its number series,
    a shared invoice) spread out instead of colliding again in lock step.
    """
    for attempt in range(attempts):
        try:
            return operation()
        except Contention:
            if attempt == attempts - 1:
                break
            time.sleep(random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt)))
    logger.warning("gave up after repeated write conflicts", extra={"attempts": attempts})
    raise ServiceUnavailable("Too many concurrent changes to the same records; retry the request shortly")
