"""A bad link on loopback: a TCP proxy that delays, throttles, drops and goes down.

Written for the tests and benches of the tablet's outbox (issue 13; tc netem is not
available in the sessions). It sits on ``127.0.0.1:<free port>`` in front of a live
server and, per connection:

- **latency**: draws a delay from ``latency ± jitter`` (uniform, never below 0) and
  holds what each side sends for half of it, so a request-answer exchange costs the
  whole delay more than it would directly (the issue's 700 ± 300 ms);
- **bandwidth**: paces each direction of the connection to ``bandwidth`` bits per
  second (256 kbit/s: 32 KB a second), as a serial link would;
- **drops before**: with probability ``drop_before`` the request is read and the
  connection reset; the server never sees it;
- **drops after** (the "lost answer"): with probability ``drop_after`` the request
  goes through and, when the server's first byte of the answer arrives (so the
  server has done the work and committed it), both sides are reset: the client never
  hears that its decision was applied;
- **outages**: from ``first_outage`` seconds after the start, every ``outage_every``
  seconds, the link is down for ``outage_seconds``: open connections are reset and
  new ones are accepted and reset at once (``outage()`` starts one by hand).

Each connection's fate (delay and drop) comes from ``random.Random`` seeded with
``seed`` and the connection's number, so one client run twice meets the same link;
several clients in parallel meet the same sequence of fates in whatever order their
connections arrive. ``scaled(k)`` multiplies every time by ``k`` (a test runs the
issue's figures at 1/50 of their times). ``counts`` says what the proxy did.

From a test::

    with FaultProxy(("127.0.0.1", port), Faults(drop_after=0.2, seed=7)) as proxy:
        ... http://127.0.0.1:{proxy.port}/ ...
    proxy.counts.dropped_after

From a shell (the issue's figures in front of a server on port 8000)::

    .venv/bin/python -m bering.api.tests.fault_proxy --target 127.0.0.1:8000 --port 8100
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import random
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

CHUNK = 1460
"""Bytes read and paced at a time: one Ethernet segment's payload."""


@dataclass(frozen=True)
class Faults:
    """What the link does. Times in seconds; probabilities per connection."""

    latency: float = 0.7
    jitter: float = 0.3
    bandwidth: int = 256_000
    """Bits per second, each direction of each connection; 0: unlimited."""
    drop_before: float = 0.05
    drop_after: float = 0.05
    outage_every: float = 120.0
    """Seconds from the start of one outage to the start of the next; 0: no outages."""
    outage_seconds: float = 30.0
    first_outage: float | None = None
    """Seconds from the proxy's start to the first outage (default: ``outage_every``)."""
    seed: int = 0
    fates: tuple[str, ...] = ()
    """The fates of the first connections, in order ("before", "after" or "pass"),
    drawn at random after them: a test that needs one lost answer says so."""

    def scaled(self, k: float) -> Faults:
        """The same link with every time multiplied by ``k`` (and the bandwidth divided)."""
        return dataclasses.replace(
            self,
            latency=self.latency * k,
            jitter=self.jitter * k,
            bandwidth=round(self.bandwidth / k) if self.bandwidth else 0,
            outage_every=self.outage_every * k,
            outage_seconds=self.outage_seconds * k,
            first_outage=None if self.first_outage is None else self.first_outage * k,
        )


@dataclass
class Counts:
    """What the proxy did since it started."""

    connections: int = 0
    completed: int = 0
    """Connections that ended with everything forwarded both ways."""
    dropped_before: int = 0
    dropped_after: int = 0
    """Answers the server gave that the client never received."""
    refused_in_outage: int = 0
    cut_by_outage: int = 0
    outages: int = 0
    outage_seconds: float = 0.0
    bytes_up: int = 0
    """Bytes forwarded from clients to the server."""
    bytes_down: int = 0
    """Bytes forwarded from the server to clients."""
    upstream_errors: int = 0
    """Connections the server itself refused."""

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class _Conn:
    number: int
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)


def _reset(writer: asyncio.StreamWriter | None) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a dropped link looks to the other side."""
    if writer is None or writer.transport.is_closing():
        return
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """The proxy, run by an event loop in a thread of its own; ``start()`` / ``stop()``
    or a ``with`` block."""

    def __init__(
        self, target: tuple[str, int], faults: Faults | None = None, *, port: int = 0
    ) -> None:
        self.target = target
        self.faults = faults or Faults()
        self.counts = Counts()
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._live: dict[int, _Conn] = {}
        self._down_until = 0.0
        self._down_since = 0.0
        self._started = 0.0
        self._tasks: set[asyncio.Task[None]] = set()

    # --- Control, from any thread -------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault proxy did not start")
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(10)
        self._loop = None

    def outage(self, seconds: float) -> None:
        """Take the link down now for ``seconds`` (down when this returns)."""
        assert self._loop is not None

        async def down() -> None:
            self._go_down(seconds)

        asyncio.run_coroutine_threadsafe(down(), self._loop).result(10)

    @property
    def down(self) -> bool:
        return time.monotonic() < self._down_until

    def snapshot(self) -> Counts:
        with self._lock:
            counts = dataclasses.replace(self.counts)
        if self.down:
            counts.outage_seconds += time.monotonic() - self._down_since
        return counts

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- The loop ----------------------------------------------------------------------

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._server = loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", self.port, backlog=512)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._started = time.monotonic()
        if self.faults.outage_every > 0 and self.faults.outage_seconds > 0:
            self._spawn(self._outages())
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for conn in list(self._live.values()):
            _reset(conn.client)
            _reset(conn.upstream)
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        with self._lock:
            if self.down:
                self.counts.outage_seconds += time.monotonic() - self._down_since
                self._down_until = 0.0

    async def _outages(self) -> None:
        f = self.faults
        first = f.outage_every if f.first_outage is None else f.first_outage
        start = self._started + first
        while True:
            await asyncio.sleep(max(0.0, start - time.monotonic()))
            self._go_down(f.outage_seconds)
            start += f.outage_every

    def _go_down(self, seconds: float) -> None:
        now = time.monotonic()
        with self._lock:
            if self.down:  # an outage running on: extend it
                self._down_until = max(self._down_until, now + seconds)
                return
            self.counts.outages += 1
            self._down_since = now
            self._down_until = now + seconds
        for conn in list(self._live.values()):
            self._count("cut_by_outage")
            _reset(conn.client)
            _reset(conn.upstream)
            conn.done.set()
        assert self._loop is not None
        self._loop.call_later(seconds, self._maybe_up)

    def _maybe_up(self) -> None:
        now = time.monotonic()
        with self._lock:
            if self._down_until and now >= self._down_until:
                self.counts.outage_seconds += self._down_until - self._down_since
                self._down_until = 0.0
            elif self._down_until:
                assert self._loop is not None
                self._loop.call_later(self._down_until - now, self._maybe_up)

    def _count(self, name: str, n: int = 1) -> None:
        with self._lock:
            setattr(self.counts, name, getattr(self.counts, name) + n)

    # --- One connection -----------------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._lock:
            number = self.counts.connections
            self.counts.connections += 1
        if self.down:
            self._count("refused_in_outage")
            _reset(writer)
            return
        f = self.faults
        rng = random.Random(f"{f.seed}:{number}")
        delay = max(0.0, rng.uniform(f.latency - f.jitter, f.latency + f.jitter))
        roll = rng.random()
        fate = (
            f.fates[number]
            if number < len(f.fates)
            else "before"
            if roll < f.drop_before
            else "after"
            if roll < f.drop_before + f.drop_after
            else "pass"
        )
        conn = _Conn(number, writer)
        self._live[number] = conn
        try:
            if fate == "before":
                await self._drop_before(conn, reader, delay)
            else:
                await self._forward(conn, reader, delay, drop_after=fate == "after")
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # The proxy stops: end quietly (asyncio's streams would log a cancelled
            # handler's task as an error).
            pass
        finally:
            self._live.pop(number, None)
            _reset(conn.client)
            _reset(conn.upstream)

    async def _drop_before(self, conn: _Conn, reader: asyncio.StreamReader, delay: float) -> None:
        """Read the request, let it travel half the way, and lose it."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reader.read(CHUNK), timeout=max(delay, 0.05) * 4 + 1)
        await asyncio.sleep(delay / 2)
        if not conn.done.is_set():
            self._count("dropped_before")
        _reset(conn.client)

    async def _forward(
        self, conn: _Conn, reader: asyncio.StreamReader, delay: float, *, drop_after: bool
    ) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self._count("upstream_errors")
            return
        conn.upstream = up_writer
        if conn.done.is_set():  # an outage began while connecting
            return
        one_way = delay / 2
        upward = asyncio.ensure_future(
            self._pipe(conn, reader, up_writer, one_way, "bytes_up", answer=False)
        )
        downward = asyncio.ensure_future(
            self._pipe(conn, up_reader, conn.client, one_way, "bytes_down", answer=drop_after)
        )
        cut = asyncio.ensure_future(conn.done.wait())
        try:
            await asyncio.wait({downward, cut}, return_when=asyncio.FIRST_COMPLETED)
            if downward.done() and not downward.cancelled() and downward.result():
                self._count("completed")
        finally:
            for task in (upward, downward, cut):
                task.cancel()
            await asyncio.gather(upward, downward, cut, return_exceptions=True)

    async def _pipe(
        self,
        conn: _Conn,
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        one_way: float,
        counter: str,
        *,
        answer: bool,
    ) -> bool:
        """Carry bytes one way: each chunk arrives ``one_way`` seconds after it was read,
        paced to the bandwidth. ``answer``: this is the server's answer, to be lost.
        True when the source ended and everything was delivered."""
        rate = self.faults.bandwidth / 8  # bytes per second
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def read() -> None:
            while True:
                try:
                    data = await source.read(CHUNK)
                except (ConnectionError, OSError):
                    data = b""
                await queue.put((time.monotonic() + one_way, data))
                if not data:
                    return

        reading = asyncio.ensure_future(read())
        free_at = 0.0
        try:
            while True:
                due, data = await queue.get()
                if not data:
                    with contextlib.suppress(OSError, RuntimeError):
                        if sink.can_write_eof():
                            sink.write_eof()
                    return True
                if answer:
                    # The server answered: its work is done. The client never hears of it.
                    if not conn.done.is_set():
                        self._count("dropped_after")
                    conn.done.set()
                    return False
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                for start in range(0, len(data), CHUNK):
                    piece = data[start : start + CHUNK]
                    if rate:
                        now = time.monotonic()
                        free_at = max(free_at, now) + len(piece) / rate
                        await asyncio.sleep(free_at - now)
                    if conn.done.is_set():
                        return False
                    sink.write(piece)
                    await sink.drain()
                    self._count(counter, len(piece))
        finally:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading


@contextlib.contextmanager
def fault_proxy(target: tuple[str, int], faults: Faults | None = None) -> Iterator[FaultProxy]:
    proxy = FaultProxy(target, faults).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default="127.0.0.1:8000", help="host:port of the server")
    parser.add_argument("--port", type=int, default=8100)
    defaults = Faults()
    for name in ("latency", "jitter", "drop_before", "drop_after", "outage_every"):
        parser.add_argument(
            f"--{name.replace('_', '-')}", type=float, default=getattr(defaults, name)
        )
    parser.add_argument("--outage-seconds", type=float, default=defaults.outage_seconds)
    parser.add_argument("--bandwidth", type=int, default=defaults.bandwidth)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    host, _, port = args.target.rpartition(":")
    faults = Faults(
        latency=args.latency,
        jitter=args.jitter,
        bandwidth=args.bandwidth,
        drop_before=args.drop_before,
        drop_after=args.drop_after,
        outage_every=args.outage_every,
        outage_seconds=args.outage_seconds,
        seed=args.seed,
    )
    proxy = FaultProxy((host, int(port)), faults, port=args.port).start()
    print(f"fault proxy {proxy.url} -> {args.target}: {faults}")
    try:
        while True:
            time.sleep(10)
            print(proxy.snapshot().as_dict())
    except KeyboardInterrupt:
        proxy.stop()
        print(proxy.counts.as_dict())


if __name__ == "__main__":
    main()
