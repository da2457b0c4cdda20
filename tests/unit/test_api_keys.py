"""API key secrets: random with the configured prefix, stored as a stable SHA-256 digest."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from ledgerline.domain.api_keys import digest, generate_secret, last4, looks_like_key, usable

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def test_digest_is_the_stable_sha256_hex_of_the_secret():
    secret = "ll_live_abc"
    assert digest(secret) == digest(secret) == hashlib.sha256(b"ll_live_abc").hexdigest()
    assert len(digest(secret)) == 64 and digest(secret) != digest(secret + "x")


def test_generated_secrets_carry_the_prefix_are_random_and_look_like_keys():
    secrets = {generate_secret("ll_live_") for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert secret.startswith("ll_live_")
        assert len(secret) >= len("ll_live_") + 43  # 32 random bytes, base64url
        assert looks_like_key(secret, "ll_live_")
        assert last4(secret) == secret[-4:]


def test_looks_like_key_refuses_other_prefixes_and_odd_lengths():
    assert not looks_like_key("sk_live_" + "x" * 43, "ll_live_")
    assert not looks_like_key("ll_live_short", "ll_live_")
    assert not looks_like_key("ll_live_" + "x" * 300, "ll_live_")
    assert not looks_like_key("", "ll_live_")


def test_a_key_is_usable_until_revoked_or_expired():
    assert usable(revoked=False, expires_at=None, now=NOW)
    assert usable(revoked=False, expires_at=NOW + timedelta(seconds=1), now=NOW)
    assert not usable(revoked=False, expires_at=NOW, now=NOW)  # expiry is exclusive
    assert not usable(revoked=False, expires_at=NOW - timedelta(days=1), now=NOW)
    assert not usable(revoked=True, expires_at=None, now=NOW)
    assert not usable(revoked=True, expires_at=NOW + timedelta(days=1), now=NOW)


def test_a_child_key_never_outlives_its_parent():
    # Issue 11.18: a key created by a short-lived key expires with it, at the latest.
    import pytest

    from ledgerline.domain.api_keys import child_expiry
    from ledgerline.domain.errors import ValidationFailed

    parent = NOW + timedelta(hours=1)
    assert child_expiry(None, None) is None
    assert child_expiry(NOW + timedelta(days=400), None) == NOW + timedelta(days=400)
    assert child_expiry(None, parent) == parent  # no expiry of its own: the parent's
    assert child_expiry(NOW + timedelta(minutes=5), parent) == NOW + timedelta(minutes=5)
    assert child_expiry(parent, parent) == parent
    with pytest.raises(ValidationFailed) as caught:
        child_expiry(parent + timedelta(seconds=1), parent)
    assert caught.value.param == "expires_at" and caught.value.details[0].field == "expires_at"
