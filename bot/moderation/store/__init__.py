"""Moderation settings in SQLite: the policy, its overrides, lists for moderators, the audit.

Every change is one transaction that also writes its audit row, and returns the sentence
describing it (for the moderator's confirmation and the mod-log).

`ModerationStore` is put together from its parts: the audit (`audit`), the policy
(`policies`), role and member allowances (`allowances`), reserved options (`options`), the
channel list (`channels`), banned words (`banned`), the budget's usage (`usage`) and the jobs
moderators list (`jobs`).
"""

from __future__ import annotations

from bot.moderation.store.allowances import Allowances
from bot.moderation.store.audit import Audit, AuditRow
from bot.moderation.store.banned import BannedWords
from bot.moderation.store.base import Actor
from bot.moderation.store.channels import Channels
from bot.moderation.store.jobs import JobRow, JobRows
from bot.moderation.store.options import ReservedOptions
from bot.moderation.store.policies import Policies
from bot.moderation.store.usage import CreditsRow, Usage, UsageRow

# The store's parts live in their own modules; these names are still imported from here.
__all__ = ["Actor", "AuditRow", "CreditsRow", "JobRow", "ModerationStore", "UsageRow"]


class ModerationStore(
    Policies, Allowances, ReservedOptions, Channels, BannedWords, Audit, Usage, JobRows
):
    """Reads and changes moderation settings; knows SQL, nothing about Discord."""
