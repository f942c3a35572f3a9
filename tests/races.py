"""Two people at once: run each callable in its own thread, all released together."""

import threading

import pytest
from django.db import connection

# Threads need committed rows and their own connections: a transactional test database.
RACE = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(attempts) -> list:
    """Run each callable in its own thread, all released at once: what each returned or raised."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(index, attempt):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = attempt()
        except BaseException as error:  # the test asserts on whatever each thread met
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, attempt)) for i, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return outcomes
