"""Twelve front-desk clerks book the same practitioner at the same moment on a running server.

Start the app (`make run`, or with DATABASE_URL for PostgreSQL), then:

    .venv/bin/python bench/concurrent_booking.py                 # same practitioner
    .venv/bin/python bench/concurrent_booking.py --same room     # same room, other practitioners
    .venv/bin/python bench/concurrent_booking.py --url http://127.0.0.1:8123

It signs in 12 sessions as desk.demo, finds a free slot through /schedule/slots/ (JSON),
POSTs /appointments/new/ from all of them at once (different patients, and different rooms
or practitioners), and prints each answer. Exactly one booking must succeed (302) and the
others be refused (409), with no 5xx. Only talks to the given local server.
"""

import argparse
import http.cookiejar
import json
import re
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta

CLERKS = 12


class Clerk:
    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect())

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def get(self, path: str, accept: str = "text/html") -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, headers={"Accept": accept})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        status, _ = self.post("/accounts/login/", {"username": username, "password": password})
        if status != 302:
            sys.exit(f"Could not sign in as {username} (HTTP {status}). Is the demo data loaded?")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def first_free_slot(clerk: Clerk) -> dict:
    day = date.today() + timedelta(days=1)
    for _ in range(30):
        status, body = clerk.get(f"/schedule/slots/?date={day}&minutes=30", accept="application/json")
        slots = json.loads(body).get("slots", []) if status == 200 else []
        if slots:
            return slots[-1]
        day += timedelta(days=1)
    sys.exit("No free slot in the next 30 days.")


def main() -> None:
    parser = argparse.ArgumentParser(description="Concurrent bookings of one slot against a running server.")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--same", choices=["practitioner", "room"], default="practitioner")
    args = parser.parse_args()
    host = urllib.parse.urlparse(args.url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("This script only talks to a server on this machine.")

    clerks = [Clerk(args.url.rstrip("/")) for _ in range(CLERKS)]
    for clerk in clerks:
        clerk.sign_in("desk.demo", "mesoplan-demo")
    slot = first_free_slot(clerks[0])
    _, page = clerks[0].get("/appointments/new/")
    practitioners = re.findall(r'<option value="(\d+)"', page.split('name="practitioner"')[1].split("</select>")[0])
    rooms = re.findall(r'<option value="(\d+)"', page.split('name="room"')[1].split("</select>")[0])
    _, patients_page = clerks[0].get("/patients/")
    patients = list(dict.fromkeys(re.findall(r'href="/patients/([0-9a-f-]{36})/"', patients_page)))[:CLERKS]
    start = slot["start"][:16]
    print(f"Slot: {start}, practitioner {slot['practitioner_name']}, room {slot['room_name']}; same {args.same}.")

    results = [None] * CLERKS
    barrier = threading.Barrier(CLERKS)

    def book(index: int) -> None:
        fields = {"patient": patients[index], "start": start, "minutes": "30"}
        if args.same == "practitioner":
            fields.update(practitioner=slot["practitioner"], room=rooms[index % len(rooms)])
        else:
            fields.update(room=slot["room"], practitioner=practitioners[index % len(practitioners)])
        barrier.wait()
        results[index] = clerks[index].post("/appointments/new/", fields)[0]

    threads = [threading.Thread(target=book, args=(index,)) for index in range(CLERKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("Answers:", results)
    booked, refused = results.count(302), sum(1 for status in results if status in (200, 409))
    errors = [status for status in results if status is None or status >= 500]
    print(f"{booked} booked, {refused} refused, {len(errors)} server errors")
    sys.exit(0 if booked == 1 and not errors else 1)


if __name__ == "__main__":
    main()
