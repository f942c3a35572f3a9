"""The clinic at scale, served as in production, under a bounded load from this machine.

    .venv/bin/python bench/run.py                       # 16 connections, 20 s per page
    .venv/bin/python bench/run.py --quick               # 8 connections, 5 s per page
    .venv/bin/python bench/run.py --seconds 30 --connections 8

What it does, in order:

1. PostgreSQL on 127.0.0.1:5432 (BENCH_POSTGRES_URL to change it): creates and migrates
   `mesoplan_scale` and fills it with `seed_scale` unless it already holds a generated clinic
   less than a week old; creates and migrates `mesoplan_bench_demo` and loads `seed_demo`.
2. Counts each page's queries on both databases in-process (Django's test client, inside a
   transaction rolled back afterwards); the counts must be the same, or the run fails.
3. Collects the static files into a temporary folder and starts gunicorn (2 sync workers,
   production settings: DJANGO_DEBUG=0, plain HTTP on 127.0.0.1 only) with bench/settings.py,
   which adds a one-query baseline page to the application's URLs.
4. Signs in as the front desk and loads each page from --connections threads for --seconds,
   then prints p50/p95/p99, requests per second, and p95 divided by the baseline's p95.
   Bookings go to distinct free slots computed beforehand; anything but a 302 is an error.
5. Renders the aftercare sheet 30 times one at a time through the server and as bare
   WeasyPrint on the same HTML (as bench/pdf.py does), and compares the medians.
6. Deletes the appointments and download records the run made, so the next run starts alike.

Exit status: 1 when a page's query count differs between the demo and the scale data, 2 when
a page answered with an unexpected status, else 0 (targets missed are reported, not fatal).
"""

import argparse
import itertools
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_load import load, repeating, request, sign_in  # noqa: E402

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
SCALE_DB, DEMO_DB = "mesoplan_scale", "mesoplan_bench_demo"
# A generated clinic is reused while its "today" is this recent: after that its upcoming
# weeks have become the past.
RESEED_AFTER_DAYS = 7
BOOKING_START_DAYS = 70  # far enough ahead to be empty in both databases
PDF_RUNS = 30


def database_url(name: str) -> str:
    return f"{POSTGRES}/{name}"


def production_environment(database: str, static_root: str = "") -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(database),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback: no redirect to HTTPS (cookies stay Secure; the load
        # generator sends them anyway).
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "BENCH_STATIC_ROOT": static_root,
        "PYTHONPATH": str(ROOT),
    }


def manage(database: str, *arguments: str, quiet: bool = True, settings: str = "clinic.settings") -> None:
    """The application's manage.py; settings="bench.settings" for the benchmark's own commands (seed_scale)."""
    env = production_environment(database)
    env["DJANGO_SETTINGS_MODULE"] = settings
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


# 1. Databases


def ensure_database(name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(database_url("postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")
    connection.close()


def seeded_on(name: str) -> date | None:
    import psycopg2

    with psycopg2.connect(database_url(name)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT date_joined FROM clinic_user WHERE username = 'scale.desk'")
        row = cursor.fetchone()
    return row[0].date() if row else None


def prepare_databases(args) -> None:
    for name in (SCALE_DB, DEMO_DB):
        ensure_database(name)
        manage(name, "migrate", "--noinput")
    seeded = seeded_on(SCALE_DB)
    if seeded is None or (date.today() - seeded).days > RESEED_AFTER_DAYS or args.reseed:
        print(f"Generating the clinic at scale in {SCALE_DB} (a few minutes)…", flush=True)
        started = time.perf_counter()
        seed = ["seed_scale", "--patients", str(args.patients), "--years", str(args.years)]
        manage(SCALE_DB, *seed, *(["--replace"] if seeded else []), quiet=False, settings="bench.settings")
        print(f"seed_scale took {time.perf_counter() - started:.0f} s.")
    else:
        print(f"Reusing the clinic generated in {SCALE_DB} on {seeded}.")
    manage(DEMO_DB, "seed_demo")


# 2. In-process probe: the pages' URLs, their query counts, free slots, bare WeasyPrint.


def probe(database: str, static_root: str, bookings: int, pdf_runs: int) -> dict:
    env = production_environment(database, static_root)
    command = [sys.executable, __file__, "--probe", "--bookings", str(bookings), "--pdf-runs", str(pdf_runs)]
    output = subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def run_probe(bookings: int, pdf_runs: int) -> None:
    """Runs inside a subprocess with DJANGO_SETTINGS_MODULE and DATABASE_URL set."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from clinic.models import User
    from patients.models import Patient
    from treatments.models import TreatmentSession

    desk = User.objects.filter(groups__name="front_desk", username__in=["scale.desk", "desk.demo"]).get()
    # A patient in a course with a recorded session: the same shape of chart, plan and sheet in both databases.
    session = (
        TreatmentSession.objects.filter(status=TreatmentSession.Status.DONE, plan__status="active")
        .select_related("plan__patient")
        .order_by("plan__patient__name_key", "plan_id", "number")
        .first()
    )
    plan, patient = session.plan, session.plan.patient
    today = timezone.localdate()
    slots_day = next_open_day(today + timedelta(days=1))
    practitioner = User.objects.filter(groups__name="dermatologist", working_hours__weekday=slots_day.weekday())
    practitioner = practitioner.order_by("username").first()
    free = free_booking_slots(max(bookings, 1))
    pages = {
        "/today/": "/today/",
        "/schedule/?date=": f"/schedule/?date={today:%Y-%m-%d}",
        "/patients/?q=": "/patients/?q=mar",
        "patient chart": patient.get_absolute_url(),
        "/schedule/slots/": f"/schedule/slots/?practitioner={practitioner.pk}&date={slots_day:%Y-%m-%d}&minutes=30",
        "plan page": plan.get_absolute_url(),
        "aftercare PDF": f"/sessions/{session.pk}/aftercare.pdf",
    }
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(desk)
    counts, statuses = {}, {}
    with transaction.atomic():
        ensure_a_course_session_today(session, desk)
        for label, url in {"baseline": "/bench/baseline/", **pages}.items():
            client.get(url)  # warm: caches of roles, templates, fonts
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            counts[label], statuses[label] = len(queries), response.status_code
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/appointments/new/", free[0])
        counts["booking POST"], statuses["booking POST"] = len(queries), response.status_code
        transaction.set_rollback(True)
    result = {
        "desk": desk.username,
        "pages": pages,
        "queries": counts,
        "statuses": statuses,
        "bookings": free[1:],
        "patients": Patient.objects.count(),
    }
    if pdf_runs:
        result["bare_weasyprint_ms"] = bare_weasyprint(session, pdf_runs)
    print(json.dumps(result))


def ensure_a_course_session_today(session, desk) -> None:
    """The day page fetches a course's areas and cocktail only when one of the day's
    appointments is a course session; give both databases one (inside the probe's rolled-back
    transaction) so their query counts compare the same page."""
    from django.utils import timezone

    from scheduling.models import Appointment, Room

    today = timezone.localdate()
    if Appointment.objects.agenda_of(desk, today).filter(session__isnull=False).exists():
        return
    start = timezone.make_aware(datetime.combine(today, datetime.min.time())) + timedelta(hours=7)
    Appointment.objects.create(
        patient=session.plan.patient,
        practitioner=session.practitioner,
        room=Room.objects.first(),
        start=start,
        end=start + timedelta(minutes=30),
        session=session,
        status=Appointment.Status.NO_SHOW,
        booked_by=desk,
    )


def next_open_day(day: date) -> date:
    from django.conf import settings

    while day.weekday() in settings.CLINIC_CLOSED_WEEKDAYS or day.weekday() == 5:
        day += timedelta(days=1)
    return day


def free_booking_slots(count: int) -> list[dict]:
    """`count` bookings that cannot clash with anything or each other: 30 minutes inside a
    practitioner's hours, off their time off, each practitioner and room once at a time, and
    a different patient each, on days beyond anything booked."""
    from django.conf import settings
    from django.db.models import Max
    from django.utils import timezone

    from patients.models import Patient
    from scheduling.models import Appointment, Room, TimeOff, WorkingHours

    latest = Appointment.objects.aggregate(last=Max("end"))["last"] or timezone.now()
    day = max(
        timezone.localdate() + timedelta(days=BOOKING_START_DAYS), timezone.localtime(latest).date() + timedelta(days=1)
    )
    rooms = list(Room.objects.filter(active=True).values_list("pk", flat=True))
    hours = list(
        WorkingHours.objects.filter(
            practitioner__groups__name="dermatologist", practitioner__is_active=True
        ).values_list("practitioner_id", "weekday", "start", "end")
    )
    away = list(
        TimeOff.objects.filter(end__gt=timezone.now()).values_list("practitioner_id", "room_id", "start", "end")
    )
    # Each booking its own patient (the cycle never comes round at 50,000 patients).
    patients = itertools.cycle(Patient.objects.active().order_by("name_key").values_list("pk", flat=True))
    found = []
    while len(found) < count:
        if day.weekday() not in settings.CLINIC_CLOSED_WEEKDAYS:
            for minute in range(6 * 60, 22 * 60, 30):
                start = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(minutes=minute)
                end = start + timedelta(minutes=30)
                local_start, local_end = timezone.localtime(start).time(), timezone.localtime(end).time()
                working = sorted(
                    {
                        practitioner
                        for practitioner, weekday, begins, ends in hours
                        if weekday == day.weekday() and begins <= local_start and local_end <= ends
                    }
                )
                free_rooms = list(rooms)
                for practitioner in working:
                    if any(
                        (p == practitioner or (p is None and r is None)) and s < end and start < e
                        for p, r, s, e in away
                    ):
                        continue
                    room = next(
                        (r for r in free_rooms if not any(rr == r and s < end and start < e for _, rr, s, e in away)),
                        None,
                    )
                    if room is None:
                        break
                    free_rooms.remove(room)
                    found.append(
                        {
                            "patient": str(next(patients)),
                            "practitioner": str(practitioner),
                            "room": str(room),
                            "start": f"{timezone.localtime(start):%Y-%m-%dT%H:%M}",
                            "minutes": "30",
                        }
                    )
        day += timedelta(days=1)
    return found[:count]


def bare_weasyprint(session, runs: int) -> list[float]:
    import weasyprint
    from django.template.loader import render_to_string
    from django_weasyprint.utils import DjangoURLFetcher

    from treatments import documents

    html = render_to_string("documents/aftercare.html", {"sheets": [documents.aftercare_sheet(session)]})

    def render() -> None:
        weasyprint.HTML(string=html, base_url="/", url_fetcher=DjangoURLFetcher()).write_pdf()

    render()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        render()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


# 3. The server


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


def start_gunicorn(static_root: str, log_path: Path) -> tuple[subprocess.Popen, int]:
    env = production_environment(SCALE_DB, static_root)
    port = free_port()
    log = log_path.open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "clinic.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", "/healthz", {})
            if status == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    sys.exit(f"gunicorn did not answer on port {port}; see {log_path}")


# 4. The load: bench/http_load.py


# 6. Cleaning up


def cleanup(since: datetime, desk: str) -> None:
    import psycopg2

    with psycopg2.connect(database_url(SCALE_DB)) as connection, connection.cursor() as cursor:
        made = "SELECT a.id FROM scheduling_appointment a JOIN clinic_user u ON u.id = a.booked_by_id "
        made += "WHERE u.username = %s AND a.created_at >= %s"
        cursor.execute(f"DELETE FROM scheduling_appointmentchange WHERE appointment_id IN ({made})", [desk, since])
        cursor.execute(f"DELETE FROM scheduling_historicalappointment WHERE id IN ({made})", [desk, since])
        cursor.execute(f"DELETE FROM scheduling_appointment WHERE id IN ({made})", [desk, since])
        booked = cursor.rowcount
        cursor.execute("DELETE FROM treatments_documenthandover WHERE at >= %s", [since])
        cursor.execute("DELETE FROM django_session WHERE expire_date < now()")
    print(f"Removed the {booked} appointments booked by this run.")


def main() -> None:
    parser = argparse.ArgumentParser(description="Mesoplan under load at scale (see the module docstring).")
    parser.add_argument("--seconds", type=float, default=20, help="per page (default 20)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--quick", action="store_true", help="5 s per page with 8 connections, 10 PDF renders")
    parser.add_argument("--patients", type=int, default=50_000, help="for seed_scale when it runs")
    parser.add_argument("--years", type=int, default=3, help="for seed_scale when it runs")
    parser.add_argument("--reseed", action="store_true", help="generate the clinic at scale again")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bookings", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--pdf-runs", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        run_probe(args.bookings, args.pdf_runs)
        return
    if args.quick:
        args.seconds, args.connections = 5, 8
    pdf_runs = 10 if args.quick else PDF_RUNS
    host = urllib.parse.urlparse(POSTGRES).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("The benchmark only uses a PostgreSQL server on this machine.")

    prepare_databases(args)
    since = datetime.now().astimezone()
    with tempfile.TemporaryDirectory(prefix="mesoplan-bench-") as temporary:
        static_root = str(Path(temporary) / "static")
        print("Counting queries on the demo and the scale data…", flush=True)
        # collectstatic first: production settings read the static manifest.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=production_environment(SCALE_DB, static_root),
            check=True,
        )
        demo = probe(DEMO_DB, static_root, bookings=1, pdf_runs=0)
        scale = probe(SCALE_DB, static_root, bookings=int(args.seconds * 250), pdf_runs=pdf_runs)
        log_path = Path(temporary) / "gunicorn.log"
        server, port = start_gunicorn(static_root, log_path)
        try:
            results = measure(port, scale, args, pdf_runs)
        finally:
            server.terminate()
            server.wait(timeout=30)
    cleanup(since, scale["desk"])
    sys.exit(report(results, demo, scale, args))


def measure(port: int, scale: dict, args, pdf_runs: int) -> dict:
    cookies = sign_in(port, scale["desk"], "mesoplan-scale")
    results = {}
    pages = {"baseline": "/bench/baseline/", **scale["pages"]}
    searches = ["/patients/?q=mar", "/patients/?q=sophie", "/patients/?q=06 12", "/patients/?q=1985-04-12"]
    for label, path in pages.items():
        paths = [urllib.parse.quote(p, safe="/?=&:-") for p in (searches if label == "/patients/?q=" else [path])]
        for p in paths:  # warm both workers
            for _ in range(4):
                request(port, "GET", p, cookies)
        print(f"  {label} …", flush=True)
        results[label] = load(port, cookies, args.seconds, args.connections, repeating(*paths), 200)
    bookings = iter(scale["bookings"])
    print("  booking POST …", flush=True)
    results["booking POST"] = load(
        port,
        cookies,
        args.seconds,
        args.connections,
        lambda: next((("POST", "/appointments/new/", slot) for slot in bookings), None),
        302,
    )
    # The aftercare sheet one at a time, to compare with bare WeasyPrint in one process.
    pdf_path = scale["pages"]["aftercare PDF"]
    timings = []
    for _ in range(pdf_runs):
        started = time.perf_counter()
        status, content, _ = request(port, "GET", pdf_path, cookies)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200 or not content.startswith(b"%PDF"):
            sys.exit(f"The aftercare sheet answered {status}.")
    results["pdf_sequential_ms"] = timings
    return results


def report(results: dict, demo: dict, scale: dict, args) -> int:
    base_p95 = results["baseline"]["p95"]
    pdf_served = statistics.median(results["pdf_sequential_ms"])
    pdf_bare = statistics.median(scale["bare_weasyprint_ms"])
    print()
    print(
        f"{os.cpu_count()} cores, {args.connections} connections, {args.seconds:g} s per page, "
        f"gunicorn 2 sync workers, {scale['patients']:,} patients"
    )
    header = f"{'page':<20}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    header += f"{'queries demo/scale':>20}{'p95/base':>9}  {'target':<18}{'result':<6}"
    print(header)
    print("-" * len(header))
    exit_status = 0
    for label, result in results.items():
        if label == "pdf_sequential_ms":
            continue
        queries = f"{demo['queries'][label]}/{scale['queries'][label]}"
        ratio = result["p95"] / base_p95
        if label == "baseline":
            target, passed = "", True
        elif label == "aftercare PDF":
            target, passed = "<= 1.5x bare PDF", pdf_served / pdf_bare <= 1.5
        elif label == "booking POST":
            target, passed = ">= 50/s, 0 errors", result["rate"] >= 50 and not result["errors"]
        else:
            target, passed = "<= 2x baseline", ratio <= 2
        if demo["queries"][label] != scale["queries"][label]:
            exit_status, passed = 1, False
        print(
            f"{label:<20}{result['requests']:>9}{result['rate']:>8.1f}{result['p50']:>8.1f}{result['p95']:>8.1f}"
            f"{result['p99']:>8.1f}{queries:>20}{ratio:>9.2f}  {target:<18}{'pass' if passed else 'FAIL':<6}"
        )
        if result["errors"]:
            shown = sorted({str(error) for error in result["errors"]})[:5]
            print(f"{'':<20}{len(result['errors'])} unexpected answers: {', '.join(shown)}")
            if exit_status == 0:
                exit_status = 2
    print()
    print(
        f"Aftercare sheet one at a time, {len(results['pdf_sequential_ms'])} renders: "
        f"served median {pdf_served:.0f} ms, bare WeasyPrint median {pdf_bare:.0f} ms, "
        f"ratio {pdf_served / pdf_bare:.2f} (target <= 1.5)"
    )
    if exit_status == 1:
        print("A page's query count differs between the demo and the scale data.")
    return exit_status


if __name__ == "__main__":
    main()
