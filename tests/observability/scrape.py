"""Reading the bot's health and metrics endpoints over HTTP, as Prometheus and Docker do."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp
from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True)
class Samples:
    """One scrape: every sample by name and labels."""

    values: dict[tuple[str, frozenset[tuple[str, str]]], float]

    def get(self, name: str, **labels: str) -> float:
        """The sample with exactly these labels (KeyError if absent)."""
        return self.values[(name, frozenset(labels.items()))]

    def total(self, name: str, **labels: str) -> float:
        """The sum over every sample of `name` whose labels include these."""
        wanted = set(labels.items())
        return sum(
            value
            for (sample, sample_labels), value in self.values.items()
            if sample == name and wanted <= sample_labels
        )

    def labels_of(self, name: str) -> list[dict[str, str]]:
        return [dict(labels) for sample, labels in self.values if sample == name]


async def scrape(base_url: str) -> Samples:
    async with aiohttp.ClientSession() as http, http.get(f"{base_url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    return parse(text)


def parse(text: str) -> Samples:
    """Samples from Prometheus' text format."""
    values = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    return Samples(values)


async def probe(base_url: str, path: str) -> tuple[int, dict]:
    """GET `path`; its status and JSON body."""
    async with aiohttp.ClientSession() as http, http.get(f"{base_url}{path}") as response:
        return response.status, await response.json()


async def until_status(base_url: str, path: str, status: int) -> dict:
    """The body of `path` once it answers `status` (no event says when that changes)."""
    async with asyncio.timeout(10):
        while True:
            answer, body = await probe(base_url, path)
            if answer == status:
                return body
            await asyncio.sleep(0.02)
