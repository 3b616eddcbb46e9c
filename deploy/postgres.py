"""A private PostgreSQL cluster under ``RUN_DIR/pg`` (unless ``DATABASE_URL`` names an external one).

Layout: ``RUN_DIR/pg/data`` (the cluster), ``RUN_DIR/pg/.s.PGSQL.<port>`` (unix socket),
``RUN_DIR/pg/postgres.log`` (server log). TCP listens on 127.0.0.1 only, port 25432 (``PG_PORT``).
PostgreSQL refuses to run as root, so as root every server binary runs as the ``postgres`` OS user
through ``runuser``.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from deploy._common import env_port, file_lock, run_dir, say, step, tail

# Below Linux's ephemeral range (32768–60999): a client socket can never take the port, nor
# connect to itself on it while the server is down (seen with 59092: Kafka then failed to bind).
DEFAULT_PG_PORT = 25432
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
# Tuned for a dev/test box with 2 cores / 24 GB. Durability stays ON (fsync, synchronous_commit,
# full_page_writes): durable appends are part of what the project claims.
_SETTINGS = """\
# Written by deploy/postgres.py on every start; edit the code, not this file.
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
unix_socket_permissions = 0777
max_connections = 400
superuser_reserved_connections = 5
shared_buffers = 512MB
effective_cache_size = 8GB
work_mem = 8MB
maintenance_work_mem = 256MB
wal_buffers = 16MB
min_wal_size = 1GB
# Checkpoints far apart and compressed full-page images: after each checkpoint every page's
# first change is logged whole, which doubled a write burst's WAL and stalled batched appends
# (measured: 100-event batches 20k → 6–10k events/s in the runs after a checkpoint). Costs only
# crash-recovery time; durability is unchanged (fsync and synchronous_commit stay on).
max_wal_size = 8GB
checkpoint_timeout = 15min
wal_compression = lz4
checkpoint_completion_target = 0.9
random_page_cost = 1.1
effective_io_concurrency = 200
max_worker_processes = 4
max_parallel_workers = 2
max_parallel_workers_per_gather = 1
fsync = on
synchronous_commit = on
full_page_writes = on
wal_level = replica
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_min_messages = warning
log_min_error_statement = error
log_min_duration_statement = 1000
log_lock_waits = on
log_checkpoints = off
deadlock_timeout = 1s
"""


def _port() -> int:
    return env_port("PG_PORT", DEFAULT_PG_PORT)


def _pg_dir() -> Path:
    return run_dir() / "pg"


def _data_dir() -> Path:
    return _pg_dir() / "data"


def _log_file() -> Path:
    return _pg_dir() / "postgres.log"


def admin_dsn() -> str:
    """The admin DSN of the private cluster (superuser ``postgres``, trust auth, TCP loopback)."""
    return f"postgresql://postgres@127.0.0.1:{_port()}/postgres"


def pg_bin_dir() -> Path:
    """Directory of the PostgreSQL server binaries: env ``PG_BIN_DIR``, else the newest
    ``/usr/lib/postgresql/<major>/bin``, else wherever ``pg_ctl`` on PATH really lives."""
    if env := os.environ.get("PG_BIN_DIR"):
        return Path(env)
    found = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "pg_ctl").exists()]
    numeric = [p for p in found if p.parent.name.isdigit()]
    if numeric:
        return max(numeric, key=lambda p: int(p.parent.name))
    if found:
        return sorted(found)[-1]
    which = shutil.which("pg_ctl")
    if which:
        return Path(which).resolve().parent
    raise RuntimeError("PostgreSQL server binaries not found (no pg_ctl); run: sudo deploy/setup.sh")


def _as_pg_user(argv: list[str]) -> list[str]:
    """Prefix a command so it runs as the ``postgres`` OS user when we are root."""
    if os.geteuid() != 0:
        return argv
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError(
            "running as root but there is no 'postgres' OS user (PostgreSQL refuses to run as root); "
            "run deploy/setup.sh (installs Debian's postgresql package, which creates it)"
        ) from None
    return ["runuser", "-u", "postgres", "--", *argv]


def _pg(tool: str, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    argv = _as_pg_user([str(pg_bin_dir() / tool), *args])
    proc = subprocess.run(
        argv,
        cwd=_pg_dir(),  # the postgres user must be able to chdir here (root's cwd may be /root)
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"{tool} {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"
            f"\n--- tail of {_log_file()} ---\n{tail(_log_file())}"
        )
    return proc


def _chown_to_pg_user(path: Path, recursive: bool = False) -> None:
    if os.geteuid() != 0:
        return
    pw = pwd.getpwnam("postgres")
    paths = [path]
    if recursive:
        paths += [Path(root) / n for root, dirs, files in os.walk(path) for n in (*dirs, *files)]
    for p in paths:
        os.chown(p, pw.pw_uid, pw.pw_gid, follow_symlinks=False)


def _socket_dir() -> str:
    # A unix socket path is limited to 107 bytes; fall back to TCP only if the run folder is too deep.
    if len(str(_pg_dir() / f".s.PGSQL.{_port()}")) > 100:
        say(f"warning: {_pg_dir()} is too long for a unix socket path; TCP only")
        return ""
    return str(_pg_dir())


def _initdb() -> None:
    pg_dir, data = _pg_dir(), _data_dir()
    # initdb aside, then rename: an interrupted initdb leaves no half-made cluster behind
    tmp = pg_dir / "data.initdb-tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    _chown_to_pg_user(pg_dir)
    if os.geteuid() == 0 and _pg_probe_writable(pg_dir) is False:
        raise RuntimeError(
            f"the postgres OS user cannot write {pg_dir}: every parent folder must be traversable "
            f"(chmod o+x) — or set RUN_DIR to a folder outside /root"
        )
    base = [
        "-D",
        str(tmp),
        "-U",
        "postgres",
        "--auth-local=trust",
        "--auth-host=trust",
        "-E",
        "UTF8",
        "--data-checksums",
    ]
    proc = _pg("initdb", *base, "--locale=C.UTF-8", check=False)
    if proc.returncode != 0:  # C.UTF-8 missing on some systems: plain C always exists
        if tmp.exists():
            shutil.rmtree(tmp)
        _pg("initdb", *base, "--locale=C")
    with open(tmp / "postgresql.conf", "a") as fh:
        fh.write("\n# local stack settings (deploy/postgres.py)\ninclude = 'stack.conf'\n")
    tmp.rename(data)


def _pg_probe_writable(path: Path) -> bool:
    return subprocess.run(_as_pg_user(["test", "-w", str(path)]), check=False).returncode == 0


def _write_settings() -> bool:
    """Write the settings file; True when its content changed."""
    conf = _data_dir() / "stack.conf"
    text = _SETTINGS.format(port=_port(), socket_dir=_socket_dir())
    changed = not conf.exists() or conf.read_text() != text
    conf.write_text(text)
    _chown_to_pg_user(conf)
    log = _log_file()
    log.touch(exist_ok=True)
    _chown_to_pg_user(log)
    return changed


def _running_port() -> int | None:
    """Port of the running postmaster (from postmaster.pid), or None when not running."""
    if _pg("pg_ctl", "status", "-D", str(_data_dir()), check=False).returncode != 0:
        return None
    try:
        return int((_data_dir() / "postmaster.pid").read_text().splitlines()[3])
    except (OSError, IndexError, ValueError):
        return None


def _accepting(port: int) -> bool:
    return _pg("pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port), "-t", "3", check=False).returncode == 0


def ensure_postgres() -> str:
    """Make sure a PostgreSQL server is available and return its admin DSN.

    With env ``DATABASE_URL`` set, return it untouched (external server, nothing is started).
    Otherwise initdb ``RUN_DIR/pg/data`` if missing, (re)write its settings, start it if it is not
    running, and return ``postgresql://postgres@127.0.0.1:<PG_PORT|25432>/postgres``.
    Idempotent and safe to call from several processes at once.
    """
    if url := os.environ.get("DATABASE_URL"):
        return url
    port = _port()
    pg_dir = _pg_dir()
    with file_lock("pg"):
        pg_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            _as_pg_user(["true"])  # fails clearly when there is no postgres OS user
        if not (_data_dir() / "PG_VERSION").exists():
            with step(f"postgres: initdb {_data_dir()}"):
                _initdb()
        running = _running_port()
        if running == port and _accepting(port):
            if _write_settings():
                _pg("pg_ctl", "reload", "-D", str(_data_dir()))
                say(f"postgres: already running on 127.0.0.1:{port}; settings changed, reloaded")
            else:
                say(f"postgres: already running on 127.0.0.1:{port}")
            return admin_dsn()
        if running is not None:
            with step(f"postgres: restarting (running on port {running}, wanted {port})"):
                _pg("pg_ctl", "stop", "-D", str(_data_dir()), "-m", "fast", "-w", "-t", "60")
        _write_settings()
        with step(f"postgres: start on 127.0.0.1:{port} (log {_log_file()})"):
            _pg("pg_ctl", "start", "-D", str(_data_dir()), "-l", str(_log_file()), "-w", "-t", "60")
            deadline = time.monotonic() + 30
            while not _accepting(port):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"postgres started but does not accept connections; see {_log_file()}")
                time.sleep(0.2)
    return admin_dsn()


def stop_postgres() -> None:
    """Stop the private cluster (``pg_ctl stop -m fast``). No-op when it is not running or when
    ``DATABASE_URL`` points at an external server."""
    if os.environ.get("DATABASE_URL"):
        say("postgres: DATABASE_URL is set (external server) — not stopping anything")
        return
    if not (_data_dir() / "PG_VERSION").exists():
        say("postgres: no private cluster")
        return
    with file_lock("pg"):
        if _running_port() is None:
            say("postgres: not running")
            return
        with step("postgres: stop (fast)"):
            _pg("pg_ctl", "stop", "-D", str(_data_dir()), "-m", "fast", "-w", "-t", "60")


def postgres_status() -> dict[str, Any]:
    """Status of the PostgreSQL part of the stack (never starts anything)."""
    if url := os.environ.get("DATABASE_URL"):
        return {"mode": "external", "dsn": url}
    info: dict[str, Any] = {
        "mode": "private",
        "dsn": admin_dsn(),
        "data_dir": str(_data_dir()),
        "log": str(_log_file()),
        "initialised": (_data_dir() / "PG_VERSION").exists(),
    }
    try:
        info["version"] = subprocess.run(
            [str(pg_bin_dir() / "postgres"), "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except (RuntimeError, OSError) as exc:
        info["version"] = f"unavailable: {exc}"
        return info
    running = _running_port() if info["initialised"] else None
    info["running"] = running is not None
    if running is not None:
        info["port"] = running
        info["accepting"] = _accepting(running)
        try:
            info["pid"] = int((_data_dir() / "postmaster.pid").read_text().splitlines()[0])
        except (OSError, IndexError, ValueError):
            pass
    return info


def _quote_ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"refusing database name {name!r}: use [A-Za-z_][A-Za-z0-9_]*, at most 63 chars")
    return '"' + name + '"'


async def create_databases(admin_dsn: str, names: list[str]) -> None:
    """Create each database in ``names`` that does not exist yet (idempotent).

    Safe under concurrent callers: creation is serialised with an advisory lock, and a
    "already exists" race with a caller that does not take the lock is tolerated.
    """
    import asyncpg

    conn = await asyncpg.connect(admin_dsn, timeout=30)
    try:
        await conn.execute("SELECT pg_advisory_lock(hashtext('deploy.stack.create_databases'))")
        try:
            for name in names:
                quoted = _quote_ident(name)
                if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                    continue
                for attempt in range(10):
                    try:
                        await conn.execute(f"CREATE DATABASE {quoted}")
                        break
                    except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                        break
                    except asyncpg.ObjectInUseError:  # template1 busy (someone connected to it)
                        if attempt == 9:
                            raise
                        await asyncio.sleep(0.2 * (attempt + 1))
        finally:
            await conn.execute("SELECT pg_advisory_unlock(hashtext('deploy.stack.create_databases'))")
    finally:
        await conn.close()


async def delete_databases(admin_dsn: str, names: list[str]) -> None:
    """Drop each database in ``names`` if it exists, disconnecting its sessions (``WITH (FORCE)``)."""
    import asyncpg

    conn = await asyncpg.connect(admin_dsn, timeout=30)
    try:
        for name in names:
            await conn.execute(f"DROP DATABASE IF EXISTS {_quote_ident(name)} WITH (FORCE)")
    finally:
        await conn.close()


def crash_postgres() -> None:
    """Stop the private cluster as a crash would (``pg_ctl stop -m immediate``: no checkpoint, the
    next start runs crash recovery). For fault drills; ``ensure_postgres`` starts it again."""
    if os.environ.get("DATABASE_URL"):
        raise RuntimeError("DATABASE_URL is set (external server): a drill never stops it")
    with file_lock("pg"):
        if _running_port() is not None:
            _pg("pg_ctl", "stop", "-D", str(_data_dir()), "-m", "immediate", "-w", "-t", "60")
