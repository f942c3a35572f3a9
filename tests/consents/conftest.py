# The race tests' database that several threads can write at once (SQLite on a file).
from tests.scheduling.conftest import concurrent_database  # noqa: F401
