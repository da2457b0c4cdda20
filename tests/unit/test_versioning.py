"""If-Match parsing: an ETag (quoted, weak or bare) becomes the expected version."""

from __future__ import annotations

import pytest
from fastapi import Response

from ledgerline.api.versioning import expected_version, set_etag
from ledgerline.domain.errors import InvalidRequest


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("*", None), (" * ", None), ('"3"', 3), ("3", 3), ('W/"7"', 7), (' "12" ', 12),
     ('"' + "9" * 18 + '"', int("9" * 18))],
)
def test_if_match_values_that_are_accepted(header, expected):
    assert expected_version(header) == expected


@pytest.mark.parametrize("header", ["", "abc", '"abc"', '"-1"', '"1.5"', '"1", "2"', "W/", '"' + "1" * 19 + '"'])
def test_malformed_if_match_is_an_invalid_request(header):
    with pytest.raises(InvalidRequest) as caught:
        expected_version(header)
    assert caught.value.code == "invalid_if_match" and caught.value.param == "If-Match"


def test_set_etag_quotes_the_version_and_round_trips_through_expected_version():
    response = Response()
    set_etag(response, 4)
    assert response.headers["ETag"] == '"4"'
    assert expected_version(response.headers["ETag"]) == 4
