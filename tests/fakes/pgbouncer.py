"""PgBouncer's front door, in process: for the tests that must hold behind PgBouncer without it.

PgBouncer refuses a client whose startup packet carries a parameter it does not track
("unsupported startup parameter: ..."), whatever its pooling mode; a setting PostgreSQL takes
at connection start (`idle_in_transaction_session_timeout`, `search_path`) is such a parameter.
This stand-in reads each startup packet as PgBouncer does, refuses it the same way, and passes
everything else through to PostgreSQL unchanged. Typical use::

    async with PgBouncerDoor("127.0.0.1", 5432) as door:
        db = await PostgresDatabase.open(door.url("postgres", "test"))
        assert door.startups == [{"user": "postgres", ...}]
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from types import TracebackType

# What PgBouncer (1.18 to 1.23) takes in a startup packet, with `ignore_startup_parameters`
# unset: the client's user and database, and the settings it keeps per client (varcache.c).
ACCEPTED = frozenset(
    {
        "user",
        "database",
        "client_encoding",
        "datestyle",
        "timezone",
        "standard_conforming_strings",
        "application_name",
    }
)
# Asked before the startup packet (TLS, GSS encryption): the stand-in speaks neither.
_ENCRYPTION_REQUESTS = {80877103, 80877104}
_CHUNK = 65536


class PgBouncerDoor:
    """A loopback listener that admits a client as PgBouncer would, then pipes it to
    PostgreSQL at `host:port`; `startups`: each startup packet's parameters, in order."""

    def __init__(self, host: str, port: int) -> None:
        self._upstream = (host, port)
        self._server: asyncio.Server | None = None
        self._clients: set[asyncio.Task[None]] = set()
        self.startups: list[dict[str, str]] = []
        self.port = 0

    def url(self, user: str, database: str) -> str:
        """A DATABASE_URL pointing at the stand-in."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    async def __aenter__(self) -> PgBouncerDoor:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        for client in self._clients:
            client.cancel()
        await asyncio.gather(*self._clients, return_exceptions=True)
        await self._server.wait_closed()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client = asyncio.create_task(self._serve(reader, writer))
        self._clients.add(client)
        client.add_done_callback(self._clients.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            packet = await _startup_packet(reader, writer)
            parameters = _parameters(packet)
            self.startups.append(parameters)
            unknown = [name for name in parameters if name.lower() not in ACCEPTED]
            if unknown:
                writer.write(_fatal(f"unsupported startup parameter: {unknown[0]}"))
                await writer.drain()
                return
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._upstream)
            try:
                upstream_writer.write(packet)
                await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
            finally:
                upstream_writer.close()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def _startup_packet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    """The client's startup packet, once its requests for encryption were declined."""
    while True:
        (length,) = struct.unpack("!i", await reader.readexactly(4))
        body = await reader.readexactly(length - 4)
        if struct.unpack("!i", body[:4])[0] not in _ENCRYPTION_REQUESTS:
            return struct.pack("!i", length) + body
        writer.write(b"N")
        await writer.drain()


def _parameters(packet: bytes) -> dict[str, str]:
    """The name/value pairs after the protocol version (each NUL-ended, a NUL after the last)."""
    fields = [field.decode() for field in packet[8:-1].split(b"\x00")[:-1]]
    return dict(zip(fields[::2], fields[1::2], strict=True))


def _fatal(message: str) -> bytes:
    """An ErrorResponse as PgBouncer sends it before closing (protocol violation)."""
    fields = b"SFATAL\x00" + b"C08P01\x00" + b"M" + message.encode() + b"\x00" + b"\x00"
    return b"E" + struct.pack("!i", len(fields) + 4) + fields


async def _pipe(source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
    """Copy bytes until `source` ends, then end `target` too."""
    with contextlib.suppress(ConnectionError):
        while chunk := await source.read(_CHUNK):
            target.write(chunk)
            await target.drain()
    if not target.is_closing():
        target.close()
