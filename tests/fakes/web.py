"""Small web sites on loopback addresses, and a DNS that answers what a test scripts.

Linux answers on every 127/8 address, so a test serves the "public" image site on 127.0.0.2 (the
only network the guarded fetcher is told to allow) and the operator's "internal" server on
127.0.0.1, which must never be reached. Each site records the paths it was asked for.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PUBLIC_HOST = "127.0.0.2"
INTERNAL_HOST = "127.0.0.1"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Site:
    """A web server on one address; `hits` lists every path asked for, in order."""

    def __init__(self, host: str = PUBLIC_HOST, port: int = 0) -> None:
        self.host = host
        self.port = port
        self.hits: list[str] = []
        self._routes: dict[str, Handler] = {}
        self._runner: web.AppRunner | None = None
        self.hang = asyncio.Event()

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.origin}{path}"

    def serve(self, path: str, body: bytes = PNG, content_type: str = "image/png") -> str:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(body=body, content_type=content_type)

        self._routes[path] = handler
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": location})

        self._routes[path] = handler
        return self.url(path)

    def stream(
        self, path: str, *, chunks: int, chunk_size: int, content_type: str = "image/jpeg"
    ) -> str:
        """A body (an image by default) sent in chunks with no declared length."""

        async def handler(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": content_type})
            response.enable_chunked_encoding()
            await response.prepare(request)
            try:
                for _ in range(chunks):
                    await response.write(b"\xff" * chunk_size)
            except ConnectionError:
                pass  # the client hung up, as it should past the cap
            return response

        self._routes[path] = handler
        return self.url(path)

    def gzipped(self, path: str, body: bytes, content_type: str = "image/png") -> str:
        """`body` sent gzip-encoded: its Content-Length is the packed size, far smaller."""
        packed = gzip.compress(body)

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(
                body=packed, headers={"Content-Type": content_type, "Content-Encoding": "gzip"}
            )

        self._routes[path] = handler
        return self.url(path)

    def failing_first(
        self, path: str, status: int, *, times: int = 1, body: bytes = PNG, content_type="image/png"
    ) -> str:
        """`status` for the first `times` requests (0: the connection closed unanswered), then
        `body`, as a server failing for a moment does."""
        failures = [times]

        async def handler(request: web.Request) -> web.StreamResponse:
            if failures[0] <= 0:
                return web.Response(body=body, content_type=content_type)
            failures[0] -= 1
            if status == 0 and request.transport is not None:
                request.transport.close()
            return web.Response(status=status or 500, text="failing for a moment")

        self._routes[path] = handler
        return self.url(path)

    def never_answer(self, path: str) -> str:
        async def handler(request: web.Request) -> web.StreamResponse:
            await self.hang.wait()
            return web.Response()

        self._routes[path] = handler
        return self.url(path)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.hits.append(request.path)
        handler = self._routes.get(request.path)
        if handler is None:
            return web.Response(status=404)
        return await handler(request)

    async def __aenter__(self) -> Site:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.hang.set()
        if self._runner is not None:
            await self._runner.cleanup()


class ScriptedDNS(AbstractResolver):
    """Answers each name with the next of its scripted answers (the last one repeats)."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self._answers = {name: list(script) for name, script in answers.items()}
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        script = self._answers.get(host)
        if not script:
            raise OSError(f"{host} does not resolve")
        addresses = script.pop(0) if len(script) > 1 else script[0]
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for address in addresses
        ]

    async def close(self) -> None:
        return None
