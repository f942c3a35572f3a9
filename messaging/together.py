"""Run several commands as one: `make run` starts the web server and the job consumer with

    python -m messaging.together "manage.py runserver 127.0.0.1:8000" "manage.py run_huey"

Ctrl-C (or SIGTERM) stops them all; when one of them ends, the others are stopped too, so a
consumer never runs on unnoticed without its web server, nor the other way round. The exit
status is the first one's to end. Each command runs in its own process group, so that its
children (runserver's autoreloader, gunicorn's workers) stop with it."""

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 10


def start(command: str) -> subprocess.Popen:
    words = shlex.split(command)
    if words[0].endswith(".py"):
        words = [sys.executable, *words]
    return subprocess.Popen(words, start_new_session=True)


def signal_group(process: subprocess.Popen, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
        os.killpg(process.pid, number)


def stop(processes: list[subprocess.Popen]) -> None:
    """SIGINT first (huey finishes the task in hand), SIGTERM after a grace, SIGKILL last."""
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        for process in processes:
            if process.poll() is None:
                signal_group(process, number)
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and any(process.poll() is None for process in processes):
            time.sleep(0.1)
        if all(process.poll() is not None for process in processes):
            return


def interrupted(number, frame) -> None:
    raise KeyboardInterrupt


def main(commands: list[str]) -> int:
    if not commands:
        sys.stderr.write(__doc__)
        return 2
    signal.signal(signal.SIGTERM, interrupted)
    processes = [start(command) for command in commands]
    try:
        while True:
            ended = [process for process in processes if process.poll() is not None]
            if ended:
                name = commands[processes.index(ended[0])]
                sys.stderr.write(f"'{name}' ended (status {ended[0].returncode}): stopping the others.\n")
                stop(processes)
                return ended[0].returncode or 1
            time.sleep(0.2)
    except KeyboardInterrupt:
        stop(processes)
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
