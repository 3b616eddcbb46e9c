"""A load generator cheap enough to share two cores with the system it measures.

HTTP/1.1 keep-alive over asyncio streams: requests are pre-built bytes, a response is read as its
status line, its headers up to the blank line, and ``Content-Length`` bytes of body. No client
library, no parsing beyond that. Closed loop (N workers, each sends its next request when the
previous answered) for throughput; open loop (requests leave on a fixed schedule whatever the
answers do, latency measured from the scheduled time, so a stall is not hidden) for end to end.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


def build_request(method: str, path: str, host: str, body: bytes, headers: dict[str, str]) -> bytes:
    """The exact bytes of one HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# uvicorn closes a keep-alive connection idle for 5 s; like any HTTP client's pool, a connection
# idle for longer than this is replaced before use instead of sending into a closing socket.
MAX_IDLE_S = 4.0


class Connection:
    """One keep-alive connection; one request in flight at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, port: int) -> None:
        self.reader = reader
        self.writer = writer
        self.host = host
        self.port = port
        self.idle_since = time.monotonic()

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
        return cls(reader, writer, host, port)

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if time.monotonic() - self.idle_since > MAX_IDLE_S:
            self.writer.close()
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
        self.writer.write(raw)
        if self.writer.transport.get_write_buffer_size() > 1 << 16:
            await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        at = head.find(b"content-length:")
        if at < 0:
            at = head.lower().find(b"content-length:")
        if at < 0:
            raise RuntimeError(f"response without Content-Length: {head[:200]!r}")
        length = int(head[at + 15 : head.index(b"\r\n", at)])
        body = await self.reader.readexactly(length) if length else b""
        self.idle_since = time.monotonic()
        return status, body

    def close(self) -> None:
        self.writer.close()


@dataclass
class LoadResult:
    """Latencies (seconds) and status codes in request order, and the wall time of the run."""

    latencies: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    elapsed: float = 0.0
    lag_max: float = 0.0  # open loop: how late the sender left its schedule, worst case
    send_seconds: float = 0.0  # open loop: from the first scheduled send to the last send
    stopped_at: int = 0  # open loop: requests sent (fewer than asked when stopped early)

    @property
    def ok(self) -> int:
        return sum(1 for s in self.statuses if 200 <= s < 300)


async def closed_loop(
    host: str, port: int, requests: Sequence[bytes], concurrency: int, *, keep_bodies: bool = False
) -> LoadResult:
    """Send every request once with ``concurrency`` workers on their own connections."""
    n = len(requests)
    result = LoadResult(latencies=[0.0] * n, statuses=[0] * n, bodies=[b""] * n if keep_bodies else [])
    conns = [await Connection.open(host, port) for _ in range(concurrency)]
    next_index = 0
    clock = time.perf_counter

    async def worker(conn: Connection) -> None:
        nonlocal next_index
        while next_index < n:
            i = next_index
            next_index += 1
            t0 = clock()
            status, body = await conn.request(requests[i])
            result.latencies[i] = clock() - t0
            result.statuses[i] = status
            if keep_bodies:
                result.bodies[i] = body

    t_start = clock()
    try:
        await asyncio.gather(*(worker(c) for c in conns))
    finally:
        result.elapsed = clock() - t_start
        for c in conns:
            c.close()
    return result


async def open_loop(
    host: str,
    port: int,
    requests: Sequence[bytes],
    rate: float,
    *,
    on_answer: Callable[[int, float, int, bytes], None],
    max_connections: int = 256,
    warm_connections: int = 16,
    max_in_flight: int | None = None,
) -> LoadResult:
    """Send request ``i`` at ``start + i / rate`` whatever happened to the earlier ones.

    ``on_answer(i, scheduled_time, status, body)`` is called as each answer arrives (times are
    ``time.perf_counter()``). Connections are reused when idle and opened when none is (up to
    ``max_connections``; past that the request waits, which shows up as latency and lag).
    With ``max_in_flight``, sending stops early once that many requests await their answers
    (the rate is clearly not held; ``result.stopped_at`` says how many were sent).
    """
    clock = time.perf_counter
    idle: list[Connection] = [await Connection.open(host, port) for _ in range(warm_connections)]
    opened = len(idle)
    available = asyncio.Condition()
    result = LoadResult(statuses=[0] * len(requests))
    in_flight: set[asyncio.Task[None]] = set()

    async def acquire() -> Connection:
        nonlocal opened
        async with available:
            while not idle and opened >= max_connections:
                await available.wait()
            if idle:
                return idle.pop()
            opened += 1
        return await Connection.open(host, port)

    async def release(conn: Connection) -> None:
        async with available:
            idle.append(conn)
            available.notify()

    async def send(i: int, scheduled: float) -> None:
        conn = await acquire()
        status, body = await conn.request(requests[i])
        await release(conn)
        result.statuses[i] = status
        on_answer(i, scheduled, status, body)

    start = clock() + 0.05
    result.stopped_at = len(requests)
    for i in range(len(requests)):
        if max_in_flight is not None and len(in_flight) >= max_in_flight:
            result.stopped_at = i
            break
        scheduled = start + i / rate
        delay = scheduled - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            result.lag_max = max(result.lag_max, -delay)
        task = asyncio.create_task(send(i, scheduled))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    result.send_seconds = clock() - start
    if in_flight:
        await asyncio.gather(*in_flight)
    result.elapsed = clock() - start
    for c in idle:
        c.close()
    return result
