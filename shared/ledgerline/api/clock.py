"""The request's clock, as a dependency: routers take their readings (today, now) from here and pass them on.

The app factory installs the app's clock (`create_app(clock=...)`, else the process's: `clock.use`) for each
request, so the services a route calls read the same clock (`clock.current_clock`).
"""

from __future__ import annotations

from ledgerline.clock import Clock, current_clock


def request_clock() -> Clock:
    return current_clock()
