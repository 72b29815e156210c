"""SQL fragments that more than one part of the job store writes."""

from __future__ import annotations

RELEASE = "lease_owner = NULL, lease_until = NULL"
# A job whose earlier post was a notice, not its result: delivered afresh, as a new post.
AFRESH = (
    # (Each value reads the row as it was: SQLite and PostgreSQL alike.) 0: a post may have
    # gone (an attempt began) but its id was never written down; an older notice's id would
    # hide it, so 0 comes first.
    (
        "superseded_post_id",
        "COALESCE(delivery_message_id,"
        " CASE WHEN delivery_started_at IS NOT NULL THEN 0 END, superseded_post_id)",
    ),
    ("delivered_at", "NULL"),
    ("delivery_started_at", "NULL"),
    ("delivery_target", "NULL"),
    ("delivery_message_id", "NULL"),
    ("delivery_attempts", "0"),
    ("download_failures", "0"),
    ("status_final_at", "NULL"),
)
# Delivered afresh where whoever changed it may have told the member already (`delivered_at`
# set apart).
DELIVER_AFRESH_BUT_TOLD = ", ".join(
    f"{column} = {value}" for column, value in AFRESH if column != "delivered_at"
)
# ... but a job its member cancelled keeps the delivery that told them so: it is never posted.
DELIVER_AFRESH_UNLESS_CANCELLED = ", ".join(
    f"{column} = CASE WHEN cancelled_at IS NULL THEN {value} ELSE {column} END"
    for column, value in (*AFRESH, ("next_delivery_at", "?"))
)
