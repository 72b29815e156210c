"""Connections for APIMart's calls: one for every call the engine may make at once.

aiohttp's default connector opens at most 100 connections and queues the rest. The poll stage
sizes its pool from the budget and the round trip (400/s at a 500 ms API: about 300 checks in
flight), so at that default the connector, not the budget, would set the pace: 200 checks a
second at most, the backlog growing by the rest.
"""

from __future__ import annotations

import aiohttp

# Connections beyond the engine's workers: balance reads, result links checked, the submits
# of /video commands answered in the interaction.
SPARE_CONNECTIONS = 16


def api_connector(*, checks: int, submits: int, deliveries: int) -> aiohttp.TCPConnector:
    """Room for `checks` status checks, `submits` submits and `deliveries` result downloads
    at once, and the spare connections."""
    return aiohttp.TCPConnector(limit=checks + submits + deliveries + SPARE_CONNECTIONS)
