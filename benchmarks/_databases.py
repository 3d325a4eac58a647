"""Shared by the benchmarks that run once on SQLite and once on PostgreSQL: each run is a
child process of the script with its own database settings in the environment."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def run_child(script: str, args: list[str], env: dict[str, str]) -> int:
    """Run `script` again with `args` in a fresh interpreter; its exit code."""
    return subprocess.run([sys.executable, script, *args], env=env, check=False).returncode


@contextmanager
def temporary_postgres(url: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the server that `url` names; yields its URL and drops it
    afterwards (also when the run fails)."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
