"""bench/run.py's load: requests to the local server from threads, and their percentiles
(Python's http.client; no dependency)."""

import http.client
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie


def request(port: int, method: str, path: str, cookies: dict, body: dict | None = None, connection=None):
    """One request; returns (status, body, Set-Cookie values). Opens its own connection
    unless given one (gunicorn's sync workers close it after each answer anyway)."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": "127.0.0.1", "Accept": "text/html"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    data = None
    if body is not None:
        data = urllib.parse.urlencode({**body, "csrfmiddlewaretoken": cookies.get("csrftoken", "")})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        content = response.read()
        return response.status, content, response.headers.get_all("Set-Cookie") or []
    finally:
        if own:
            connection.close()


def sign_in(port: int, username: str, password: str) -> dict:
    cookies = {}

    def keep(set_cookies):
        for header in set_cookies:
            parsed = SimpleCookie()
            parsed.load(header)
            cookies.update({name: morsel.value for name, morsel in parsed.items()})

    _, _, set_cookies = request(port, "GET", "/accounts/login/", cookies)
    keep(set_cookies)
    status, _, set_cookies = request(
        port, "POST", "/accounts/login/", cookies, {"username": username, "password": password}
    )
    keep(set_cookies)
    if status != 302 or "sessionid" not in cookies:
        sys.exit(f"Could not sign in as {username} (HTTP {status}).")
    return cookies


def load(port: int, cookies: dict, seconds: float, connections: int, next_request, expected: int) -> dict:
    """`connections` threads send requests back to back for `seconds`; `next_request()`
    gives (method, path, body) or None when there is nothing left to send."""
    timings, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        mine, my_errors = [], []
        while time.monotonic() < deadline:
            with lock:
                item = next_request()
            if item is None:
                break
            method, path, body = item
            started = time.perf_counter()
            try:
                status, _, _ = request(port, method, path, cookies, body)
            except OSError as error:
                status = repr(error)
            mine.append((time.perf_counter() - started) * 1000)
            if status != expected:
                my_errors.append(status)
        with lock:
            timings.extend(mine)
            errors.extend(my_errors)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return summary(timings, elapsed, errors)


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * share))]


def summary(timings: list[float], elapsed: float, errors: list) -> dict:
    timings = sorted(timings)
    return {
        "requests": len(timings),
        "rate": len(timings) / elapsed if elapsed else 0,
        "p50": percentile(timings, 0.50),
        "p95": percentile(timings, 0.95),
        "p99": percentile(timings, 0.99),
        "errors": errors,
    }


def repeating(*paths: str):
    index = [0]

    def next_request():
        index[0] += 1
        return "GET", paths[index[0] % len(paths)], None

    return next_request
