"""Hostile values in every part of an address (NUL and other control characters, huge ids,
bad UTF-8, very long segments) answer 400 or 404, never a 5xx: anonymous or signed in, on
SQLite and on PostgreSQL (which refuses a NUL in any text it is given)."""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

HOSTILE = ["%00", "a%00b", "%0d%0aX", "99999999999999999999", "-1", "%C3%28", "%FF%FE", "%E2%80%AE" + "x" * 600]
PARAMETER = re.compile(r"<(?:\w+:)?\w+>")
QUERY_NAMES = ["q", "date", "patient", "practitioner", "minutes", "next", "week", "session"]


def addresses() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) != "admin/":
                    yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield "/" + prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


def hostile_urls() -> list[str]:
    urls = []
    for address in addresses():
        if PARAMETER.search(address):
            urls += [PARAMETER.sub(value, address) for value in HOSTILE]
        else:
            urls += [f"{address}?{name}={value}" for name in QUERY_NAMES[:1] for value in HOSTILE]
            urls.append(address + "?" + "&".join(f"{name}=%00" for name in QUERY_NAMES))
    return urls


@pytest.mark.parametrize("who", ["anonymous", "derek", "charlie", "alice"])
def test_hostile_addresses_never_answer_a_server_error(who, request, derek, charlie, alice):
    client = Client(raise_request_exception=False)
    if who == "alice":
        client.force_login(alice.portal_user)
    elif who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    urls = hostile_urls()
    assert len(urls) >= 112

    errors = [(url, status) for url in urls if (status := client.get(url).status_code) >= 500]

    assert errors == []


def test_a_nul_in_the_calendar_feed_token_is_a_400_for_anyone(client, db):
    assert client.get("/calendar/%00.ics").status_code == 400
    assert client.get("/patients/%00/").status_code == 400
    assert client.get("/calendar/not-a-token.ics").status_code == 404
