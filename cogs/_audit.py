"""`/videomod audit`: the moderators' changes, newest first, in pages that each fit a message.

A page holds what fits in one message, up to `AUDIT_PAGE` changes, so a change is never left
out for length (as "…and 11 more" would, with nowhere to read those 11). Pages are counted
from the newest change, in the reader's language (a Chinese page may hold a change more).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import Message, msg
from bot.moderation.report import audit_lines
from bot.text import page_text

if TYPE_CHECKING:
    from bot.moderation.store import ModerationStore

# The most changes on one page (fewer when they are long).
AUDIT_PAGE = 15
# The last page that may be asked for: reading one renders every change before it.
AUDIT_PAGES = 100


def _title(member: int | None, page: int) -> Message | None:
    """The first line: which changes these are (none on the first page of all of them)."""
    if member is None:
        return msg("mod_audit_page", page=page) if page > 1 else None
    if page > 1:
        return msg("mod_audit_member_page", member=f"<@{member}>", page=page)
    return msg("mod_audit_member", member=f"<@{member}>")


def _older(member: int | None, page: int) -> Message:
    """The last line, when older changes are on page `page`: how to read them (past the last
    page that may be asked for, that they are not listed)."""
    if page > AUDIT_PAGES:
        if member is None:
            return msg("mod_audit_beyond", last=AUDIT_PAGES)
        return msg("mod_audit_beyond_member", member=f"<@{member}>", last=AUDIT_PAGES)
    if member is None:
        return msg("mod_audit_older", next=page)
    return msg("mod_audit_older_member", member=f"<@{member}>", next=page)


async def audit_answer(
    store: ModerationStore, guild_id: int, member: int | None, page: int, locale: str
) -> str:
    """Page `page` of the server's changes (by or about `member` only, if given)."""
    # Pages 1 to `page` hold at most `page * AUDIT_PAGE` changes: one more tells of older ones.
    rows = await store.recent_audit(guild_id, page * AUDIT_PAGE + 1, member)
    if not rows:
        if member is None:
            return msg("mod_audit_empty").render(locale)
        return msg("mod_audit_member_empty", member=f"<@{member}>").render(locale)
    changes = [line.render(locale) for line in audit_lines(rows)]

    def title(number: int) -> str | None:
        heading = _title(member, number)
        return heading.render(locale) if heading is not None else None

    text, pages = page_text(
        changes,
        page,
        most=AUDIT_PAGE,
        last=AUDIT_PAGES,
        title=title,
        onward=lambda number: _older(member, number).render(locale),
    )
    # None: all of them were read (see above), and `pages` is how many there are.
    if text is None:
        return msg("mod_audit_no_page", page=page, last=pages).render(locale)
    return text
