"""Rate-limit rules without I/O: plans, windows, what the headers say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ledgerline.domain.rate_limits import WINDOW_SECONDS, Decision, limit_for, usage_key, window_at

MINUTE = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def test_plans_have_the_reference_limits():
    assert (limit_for("starter"), limit_for("professional"), limit_for("enterprise")) == (120, 600, None)
    # A plan nobody knows (a typo in a stored tenant) gets the smallest limit, not none
    assert limit_for("gold") == 120 and limit_for(None) == 120


@given(st.integers(0, 10**6), st.integers(0, 59_999))
def test_a_moment_falls_in_the_minute_that_holds_it(minutes, millis):
    moment = MINUTE + timedelta(minutes=minutes, milliseconds=millis)
    window = window_at(moment)
    assert window.start % WINDOW_SECONDS == 0
    assert window.start <= moment.timestamp() < window.reset == window.start + WINDOW_SECONDS
    assert 1 <= window.retry_after <= WINDOW_SECONDS


def test_retry_after_rounds_up_and_is_never_zero():
    assert window_at(MINUTE + timedelta(seconds=10, milliseconds=1)).retry_after == 50
    assert window_at(MINUTE + timedelta(seconds=59, milliseconds=999)).retry_after == 1
    assert window_at(MINUTE).retry_after == 60


def test_headers_count_down_and_stop_at_zero():
    window = window_at(MINUTE + timedelta(seconds=5))
    reset = str(int(MINUTE.timestamp()) + 60)
    assert Decision(120, 1, window).headers() == {"X-RateLimit-Limit": "120", "X-RateLimit-Remaining": "119",
                                                  "X-RateLimit-Reset": reset}
    assert Decision(120, 120, window).allowed and Decision(120, 120, window).remaining == 0
    refused = Decision(120, 121, window)
    assert not refused.allowed and refused.headers()["X-RateLimit-Remaining"] == "0"


def test_unlimited_says_so():
    decision = Decision(None, 0, window_at(MINUTE))
    assert decision.allowed and decision.remaining is None
    assert decision.headers()["X-RateLimit-Limit"] == decision.headers()["X-RateLimit-Remaining"] == "unlimited"


def test_usage_keys_are_unique_per_stack_and_long_enough_for_api_gateway():
    assert usage_key("ledgerline-dev", "ten_01KAW3M8Y6Q9V2E5R7T1X4Z0B3") != usage_key(
        "ledgerline-prod", "ten_01KAW3M8Y6Q9V2E5R7T1X4Z0B3")
    assert len(usage_key("x", "ten_01KAW3M8Y6Q9V2E5R7T1X4Z0B3")) >= 20
