"""Message catalogs by feature area; each area module has an `EN`, a `ZH` (Simplified) and a
`ZH_TW` (Traditional, Taiwan wording) dict with the same keys."""

from types import ModuleType

from bot.locales import (
    balance,
    core,
    cost,
    engine,
    experience,
    moderation,
    reach,
    references,
    results,
)

# Add a feature's module here; keys must be unique across areas (checked at import).
AREAS: tuple[ModuleType, ...] = (
    core,
    experience,
    references,
    moderation,
    engine,
    cost,
    balance,
    results,
    reach,
)
