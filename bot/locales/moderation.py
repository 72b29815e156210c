"""Moderation sentences: refusals, quotas, moderator tools and the mod-log."""

EN: dict[str, str] = {
    # Refusals of a new video (nothing is saved or counted)
    "mod_paused": (
        "Video generation is paused because the video service's balance is empty. "
        "Nothing was counted; please try again once a moderator says it's back."
    ),
    "mod_paused_standing": (
        "Video generation is paused because the video service's balance is empty; videos can "
        "be made again once a moderator says it's back."
    ),
    "mod_channel_not_allowed": (
        "Videos can't be made in this channel. Please use one of these channels: {channels} "
        "(a thread or forum post in one of them works too)."
    ),
    "mod_banned_words": (
        "Your prompt contains words this server doesn't allow (`{fragment}`), so nothing was "
        "made or counted. Please rephrase it and try again."
    ),
    "mod_banned_words_public": (
        "Your prompt contains words this server doesn't allow, so nothing was made or counted. "
        "Please rephrase it and try again. (This note deletes itself in a minute.)"
    ),
    "unsent_budget_spent": (
        "Your video was not sent: while it waited, the videos before it used this server's "
        "monthly credit budget, and what is left would not pay for it. Nothing was counted. A "
        "moderator can raise the budget with {/videomod budget}."
    ),
    "mod_option_reserved": (
        "{option} is reserved for members with {roles} in this server. "
        "Choose another resolution or length and try again."
    ),
    "mod_reference_video_length_reserved": (
        "A reference video sets the length, up to {option}, and {option} is reserved for "
        "members with {roles} in this server. Try again without the video."
    ),
    # The same, where nothing can be chosen (Regenerate, Confirm)
    "mod_option_reserved_fixed": (
        "{option} is reserved for members with {roles} in this server. "
        "To make it in another resolution or length, use {/video}."
    ),
    "mod_reference_video_length_reserved_fixed": (
        "A reference video sets the length, up to {option}, and {option} is reserved for "
        "members with {roles} in this server. To make one without the video, use {/video}."
    ),
    "mod_no_allowance": (
        "Your allowance in this server is 0 videos, so you can't make any here. "
        "Ask a moderator if you think this is a mistake."
    ),
    "mod_blocked": (
        "A moderator has blocked you from making videos in this server (reason: {reason}). "
        "Ask a moderator if you think this is a mistake."
    ),
    "mod_banned_here": (
        "You were banned from this server, so this video won't be made: nothing was sent, and "
        "it doesn't count toward your allowance."
    ),
    "mod_blocked_until": (
        "A moderator has blocked you from making videos in this server until {until} "
        "(reason: {reason}). You can make videos again after that."
    ),
    "mod_blocked_until_spent": (
        "A moderator has blocked you from making videos in this server until {until} "
        "(reason: {reason}). You've also used all your videos {period}, so you can make videos "
        "again from {again}."
    ),
    "mod_blocked_until_budget": (
        "A moderator has blocked you from making videos in this server until {until} "
        "(reason: {reason}). This server's video budget for the month is also used up, so "
        "videos can be made again {again}, or when a moderator raises the budget."
    ),
    "mod_blocked_until_cooldown": (
        "A moderator has blocked you from making videos in this server until {until} "
        "(reason: {reason}). With the wait between videos here, your next one can start "
        "{again}."
    ),
    "mod_quota_spent": (
        "You've used all your videos {period} ({limit}), so this video was not made and "
        "nothing was counted. "
        "Your allowance starts again {reset} ({reset_at})."
    ),
    "mod_quota_spent_none_after": (
        "You've used all your videos {period} ({limit}), so this video was not made and "
        "nothing was counted. Your own allowance ends {ends}, and none follows it here: ask a "
        "moderator if you need more."
    ),
    "mod_too_many_active": (
        "You already have {active} in progress, and {limit} at a time is the most "
        "allowed here. Please wait for one to finish, then try again."
    ),
    "mod_too_many_active_several": (
        "You already have {active} in progress, and {limit} at a time is the most "
        "allowed here. Please wait for {finish} of them to finish, then try again."
    ),
    # The same under the member's personal allowance (DMs, group DMs, servers without the bot):
    # their own limit wherever they ask, not a rule of the place ("here").
    "mod_too_many_active_personal": (
        "You already have {active} in progress, and your personal allowance lets you have "
        "{limit} at a time. Please wait for one to finish, then try again."
    ),
    "mod_too_many_active_several_personal": (
        "You already have {active} in progress, and your personal allowance lets you have "
        "{limit} at a time. Please wait for {finish} of them to finish, then try again."
    ),
    "mod_cooldown": (
        "You're making videos a little fast for this server. "
        "Please wait: you can start the next one {when}."
    ),
    "mod_cooldown_none_after": (
        "You're making videos a little fast for this server, and your own allowance ends "
        "{ends}, before the wait between videos does, with none following it here: ask a "
        "moderator if you need more."
    ),
    "mod_cooldown_own_ends": (
        "You're making videos a little fast for this server, and your own allowance ends "
        "{ends}, before the wait between videos does; you've already made the {limit} the "
        "allowance after it gives {period}, so your next video can start {when}."
    ),
    "mod_budget_spent": (
        "This server's video budget for the month is used up ({used} of {budget} credits). "
        "Videos can be made again {reset}, or when a moderator raises the budget."
    ),
    "mod_budget_spent_held": (
        "This server's video budget for the month is used up ({used} of {budget} credits, "
        "counting what the videos being made now are expected to cost). Videos can be made "
        "again {reset}, sooner if the videos being made cost less than expected, fail or are "
        "cancelled, or when a moderator raises the budget."
    ),
    "mod_budget_too_little": (
        "This server's video budget has only {left} left this month: less than the cheapest "
        "video ({cheapest}). Videos can be made again {reset}, or when a moderator raises the "
        "budget."
    ),
    "mod_budget_too_little_held": (
        "This server's video budget has only {left} left this month, counting what the videos "
        "being made now are expected to cost: less than the cheapest video ({cheapest}). "
        "Videos can be made again {reset}, sooner if the videos being made cost less than "
        "expected, fail or are cancelled, or when a moderator raises the budget."
    ),
    "mod_budget_short": (
        "This video is expected to cost {cost}, but this server's video budget has only {left} "
        "left this month, counting the videos being made now. Nothing was counted. A shorter "
        "or lower-resolution video may fit; the budget starts again {reset}."
    ),
    # A reference video sets the length, so "shorter" is not the member's to choose.
    "mod_budget_short_reference": (
        "This video is expected to cost {cost}, but this server's video budget has only {left} "
        "left this month, counting the videos being made now. Nothing was counted. A "
        "lower-resolution video, or a shorter one without the reference video, may fit; the "
        "budget starts again {reset}."
    ),
    "mod_period_day": "day",
    "mod_period_week": "week",
    "mod_period_month": "month",
    # "this period", as people say it: "today", not "this day"
    "mod_this_day": "today",
    "mod_this_week": "this week",
    "mod_this_month": "this month",
    # /videos quota
    "quota_whose_server": "Under the rules of {server}:",
    "quota_whose_this_server": "Under this server's rules:",
    "quota_whose_personal": (
        "Your personal allowance (for DMs, group DMs and servers that did not add this bot):"
    ),
    "quota_left": (
        "You have **{left}** left {period} (out of {limit}). "
        "Your allowance starts again {reset} ({reset_at})."
    ),
    "quota_left_none_after": (
        "You have **{left}** left {period} (out of {limit}). Your own allowance ends {ends}, "
        "and none follows it here."
    ),
    "quota_own_ends": (
        "Your own allowance ends {ends}; from then on you have **{left}** left {period} "
        "(out of {limit})."
    ),
    "quota_active": "In progress: {active} (at most {limit} at a time).",
    "quota_cooldown": "Your next video can start {when}.",
    "quota_reserved": (
        "Reserved for other roles: {options}. Ask a moderator if you'd like access."
    ),
    "quota_reserved_reference": (
        "Reserved for other roles: {options}, and so a reference video too (it sets the "
        "length, up to {length}). Ask a moderator if you'd like access."
    ),
    "quota_channels": "Videos can be made in: {channels} (and their threads and forum posts).",
    # /videomod: who may use it
    "mod_not_allowed": (
        "Only members with the Manage Server permission or the moderator role can use "
        "{/videomod}, so nothing was changed. Ask a server admin if you need access."
    ),
    "mod_needs_manage_server": (
        "Only members with the Manage Server permission can choose the moderator role, "
        "so nothing was changed. Ask a server admin to do it."
    ),
    # /videomod limits show
    "mod_none": "none",
    "mod_show_limits": (
        "**Limits:** {limit} per member per {period}, starting again {starts}; "
        "this period ends {reset} ({reset_at}). At most {max_active} at a time per member, "
        "{cooldown} between videos."
    ),
    "mod_show_limits_everyone": (
        "**Limits:** {limit} per member per {period} (set on @everyone, so every member gets "
        "it unless a role or their own allowance says otherwise; the server default of "
        "{default} applies to no one while it is set: {/videomod role clear} on @everyone "
        "brings the default back), starting again {starts}; this period ends {reset} "
        "({reset_at}). At most {max_active} at a time per member, {cooldown} between videos."
    ),
    "mod_reset_day": "every day at {hour}:00 UTC",
    "mod_reset_week": "every {weekday} at {hour}:00 UTC",
    "mod_reset_month": "on the 1st of each month at {hour}:00 UTC",
    "weekday_0": "Monday",
    "weekday_1": "Tuesday",
    "weekday_2": "Wednesday",
    "weekday_3": "Thursday",
    "weekday_4": "Friday",
    "weekday_5": "Saturday",
    "weekday_6": "Sunday",
    "mod_show_roles": "**Role limits:** {items}",
    "mod_show_roles_header": "**Role limits:**",
    "mod_role_limit_item": "- {role}: {videos}",
    "mod_role_limit_blocked": "- {role}: blocked (0 videos, whatever their other roles allow)",
    "mod_show_members": "**Member limits:**",
    "mod_show_no_members": "**Member limits:** none",
    "mod_override_item": "- {member}: {videos} (reason: {reason})",
    "mod_override_blocked": "blocked",
    "cooldown_none": "no wait",
    "mod_override_item_until": "- {member}: {videos} until {until} (reason: {reason})",
    "mod_more": "…and {count} more.",
    # Ends a message of several lists: "…and N more" would read as more of the last one.
    "mod_more_not_shown": "…{lines} not shown.",
    "mod_show_options": "**Reserved options:** {items}",
    "mod_option_item": "{option} → {roles}",
    "option_value": "{value}",
    "mod_show_channels": "**Channels:** only {items} (with their threads and forum posts)",
    "mod_show_all_channels": "**Channels:** all",
    "mod_show_budget": (
        "**Monthly budget:** {used} of {budget} credits used; the month ends {reset}."
    ),
    "mod_show_budget_held": (
        "**Monthly budget:** {used} of {budget} credits used, {held} more held for videos not "
        "billed yet (those being made now, and any whose submit got no answer); the month "
        "ends {reset}."
    ),
    "mod_show_no_budget": (
        "**Monthly budget:** none ({used} used this month; see `{/videomod budget}`)."
    ),
    "mod_show_words": "**Banned words:** {count} (see `{/videomod words list}`).",
    "mod_show_modlog": "**Mod-log channel:** {channel}",
    "mod_show_modrole": "**Moderator role:** {role}",
    # Not set yet (a new server): what sets it, and for the mod-log what goes unposted meanwhile
    "mod_show_no_modlog": (
        "**Mod-log channel:** none, so changes, refused prompts and alerts are posted nowhere "
        "(see `{/videomod modlog}`)."
    ),
    "mod_show_no_modrole": (
        "**Moderator role:** none: only members with Manage Server moderate "
        "(see `{/videomod modrole}`)."
    ),
    "mod_show_paused": (
        "**Paused:** the video service's balance is empty. Top up the account, then run "
        "`{/videomod resume}`."
    ),
    "mod_show_bans_unheard": (
        "**Discord bans:** the bot's role has neither View Audit Log nor Ban Members, so Discord "
        "tells it of no ban and a banned member's videos go on (give its role View Audit Log, or "
        "use `{/videomod block}`)."
    ),
    # /videomod usage, jobs, audit, words list
    "mod_usage_empty": "Nobody has made a video {period} yet.",
    "mod_usage_title": "**Top members {period}** (since {start}):",
    "mod_usage_line": "{rank}. {member}: {jobs}, {credits}",
    "mod_usage_more": "{members}: {/videomod usage} `{opt_page}:{next}`",
    "mod_usage_no_page": "There is no page {page}: the last page is {last}.",
    # The last line of the last page that may be asked for, with more members after it.
    "mod_usage_beyond": (
        "{members} rank below these and are not listed past page {last}: {/videomod usage} "
        "with `{opt_member}` reads any one of them."
    ),
    "mod_member_usage": (
        "{member} has used {used} of {limit} {period} ({source}), "
        "{credits}; the period ends {reset}."
    ),
    "mod_member_usage_over": (
        "{member} has made {used} {period}, more than their limit of {limit} ({source}) now "
        "allows: the limit was lowered after they made them, so they can make no more until "
        "the period ends {reset}. Credits spent: {credits}."
    ),
    "mod_member_usage_until": (
        "{member} has used {used} of {limit} {period} ({source}), {credits}; that limit ends "
        "{ends}, and they may make videos again {again} (the period ends {reset})."
    ),
    "mod_member_usage_over_cooldown": (
        "{member} has made {used} {period}, more than their limit of {limit} ({source}) now "
        "allows: the limit was lowered after they made them, so they can make no more this "
        "period (it ends {reset}), and with the wait between videos their next one can start "
        "{again}. Credits spent: {credits}."
    ),
    "mod_member_usage_spent_cooldown": (
        "{member} has used {used} of {limit} {period} ({source}), {credits}; the period ends "
        "{reset}, but with the wait between videos their next one can start {again}."
    ),
    "mod_member_usage_over_until": (
        "{member} has made {used} {period}, more than their limit of {limit} ({source}) now "
        "allows, so they can make no more until {again} (that limit ends {ends}, the period "
        "{reset}). Credits spent: {credits}."
    ),
    "mod_member_usage_none_after": (
        "{member} has made {used} {period} of their limit of {limit} ({source}), {credits}; "
        "that limit ends {ends}, and no allowance follows it here, so they can make no more."
    ),
    "mod_member_usage_none": (
        "{member} has made {used} {period}, {credits}, and may make no videos now: {why}."
    ),
    "mod_member_blocked": "blocked by a moderator (reason: {reason})",
    "mod_member_blocked_until": "blocked by a moderator until {until} (reason: {reason})",
    "mod_member_blocked_until_budget": (
        "blocked by a moderator until {until} (reason: {reason}), and this server's monthly "
        "budget is used up, so videos can be made again {again}, or once the budget is raised"
    ),
    "mod_member_blocked_until_cooldown": (
        "blocked by a moderator until {until} (reason: {reason}), and with the wait between "
        "videos their next one can start {again}"
    ),
    "mod_member_blocked_until_spent": (
        "blocked by a moderator until {until} (reason: {reason}), and their videos {period} "
        "are used up, so they may make videos again from {again}"
    ),
    "mod_member_none_limit": "their {source} is 0 videos",
    "mod_source_default": "server default",
    "mod_source_role": "role limit",
    "mod_source_member": "personal limit",
    "mod_job_line": "`#{job_id}` {created} {member}: {state}, {credits}, {prompt}",
    "mod_job_line_no_cost": "`#{job_id}` {created} {member}: {state}, {prompt}",
    "mod_job_line_unreported": (
        "`#{job_id}` {created} {member}: {state}, about {credits} (not reported by APIMart), "
        "{prompt}"
    ),
    "mod_job_line_unreported_up_to": (
        "`#{job_id}` {created} {member}: {state}, up to {credits} (not reported by APIMart), "
        "{prompt}"
    ),
    # A job still on its way: what its member was quoted (APIMart says what it cost at the end)
    "mod_job_line_expected": (
        "`#{job_id}` {created} {member}: {state}, expected cost about {credits}, {prompt}"
    ),
    "mod_job_line_expected_up_to": (
        "`#{job_id}` {created} {member}: {state}, expected cost up to {credits}, {prompt}"
    ),
    "mod_job_prompt_hidden": "*(prompt hidden: made in a channel you can't view)*",
    "mod_jobs_empty": "No jobs yet.",
    "mod_audit_line": "{when}: {change}",
    "mod_audit_empty": "No moderator changes recorded yet.",
    "mod_audit_member_empty": "No change by or about {member} is recorded.",
    "mod_audit_page": "**Moderator changes, page {page}** (newest first):",
    "mod_audit_member": "**Changes by or about {member}** (newest first):",
    "mod_audit_member_page": "**Changes by or about {member}, page {page}** (newest first):",
    # The last line of a page with older changes after it: ends with the option to type.
    "mod_audit_older": "Older changes: {/videomod audit} `{opt_page}:{next}`",
    "mod_audit_older_member": (
        "Older changes: {/videomod audit} with {member} as `{opt_member}` and `{opt_page}:{next}`"
    ),
    "mod_audit_no_page": "There is no page {page}: the oldest changes are on page {last}.",
    # The last line of the last page that may be asked for, with older changes after it.
    "mod_audit_beyond": (
        "Older changes, past page {last}, are not listed: {/videomod audit} with `{opt_member}` "
        "lists one member's on their own."
    ),
    "mod_audit_beyond_member": (
        "Older changes by or about {member}, past page {last}, are not listed."
    ),
    "mod_words_list": "**Banned words ({count}):**",
    "mod_words_list_page": "**Banned words ({count}), page {page}:**",
    "mod_words_more": "More banned words: {/videomod words list} `{opt_page}:{next}`",
    # The last line of the last page that may be asked for, with more words after it.
    "mod_words_beyond": (
        "More banned words, past page {last}, are not listed: {/videomod words remove} removes "
        "any one by its name."
    ),
    "mod_words_item": "- `{pattern}`",
    "mod_words_empty": "No banned words yet. Add one with `{/videomod words add}`.",
    # /videomod: answers when nothing changes
    "mod_nothing_given": (
        "Nothing was changed because no option was given. Pick at least one option, or use "
        "`{/videomod limits show}` to see the current limits."
    ),
    "mod_policy_unchanged": (
        "That is already how it is set, so nothing was changed. `{/videomod limits show}` "
        "shows every rule."
    ),
    "mod_credits_too_small": (
        "The smallest amount is {smallest} credits, so nothing was changed. Use 0 to turn it off."
    ),
    "mod_bad_pattern": (
        "`{pattern}` can't be used as a banned word, so nothing was changed. Use a word or "
        "phrase of at most {limit} characters, with * only at the start or end (e.g. `gore*`)."
    ),
    "mod_word_too_long": (
        "`{pattern}` is longer than {limit} characters, the most a banned word or phrase may "
        "have, so nothing was changed."
    ),
    "mod_word_too_long_folded": (
        "`{pattern}` reads as {length} characters once case and special letters are folded "
        "(`ß` as `ss`), more than the {limit} a banned word or phrase may have, so nothing was "
        "changed."
    ),
    "mod_word_exists": "`{pattern}` is already banned, so nothing was changed.",
    "mod_word_missing": (
        "`{pattern}` isn't on the list, so nothing was changed. "
        "See the list with `{/videomod words list}`."
    ),
    "mod_role_no_limit": "{role} has no limit of its own, so nothing was changed.",
    "mod_member_no_limit": "{member} has no personal limit or block, so nothing was changed.",
    "mod_member_owner_blocked": (
        "{member} is blocked by the bot's operator in every server (reason: {reason}), so they "
        "can make no video here whatever this server allows; only the operator can lift it."
    ),
    "mod_member_not_blocked": (
        "{member} isn't blocked: they have an allowance of their own, which stays "
        "({/videomod member clear} removes it), so nothing was changed."
    ),
    "mod_member_still_none": "{member} still can't make videos here: their {source} is 0 videos.",
    "mod_member_already_blocked": (
        "{member} is already blocked, with no end and the same reason ({reason}), so nothing "
        "was changed."
    ),
    "mod_member_already_limit": (
        "{member} already has their own allowance of {videos} per period, with no end and the "
        "same reason ({reason}), so nothing was changed."
    ),
    "mod_option_not_reserved": "{option} isn't reserved for any role, so nothing was changed.",
    "mod_option_not_reserved_for_role": (
        "{option} isn't reserved for {role}, so nothing was changed."
    ),
    "mod_option_already_reserved": "{role} may already use {option}, so nothing was changed.",
    "mod_option_everyone": (
        "Every member has @everyone, so reserving {option} for it restricts nothing, and nothing "
        "was changed. To let every member use {option}, use {/videomod options open} without a "
        "role; to reserve it, choose a role only some members have."
    ),
    "mod_channel_already": "{channel} is already allowed, so nothing was changed.",
    "mod_channel_not_listed": (
        "{channel} isn't on the list, so nothing was changed. "
        "See the list with `{/videomod limits show}`."
    ),
    "mod_channels_already_all": "Videos are already allowed in every channel; nothing changed.",
    "mod_job_not_found": (
        "There is no job #{job_id} in this server. Check the number with `{/videomod jobs}`."
    ),
    "mod_job_not_cancellable": "Job #{job_id} is {state}, so it can no longer be cancelled.",
    "mod_job_not_cancellable_unknown": (
        "Job #{job_id} can no longer be cancelled: it may have reached the video service, and"
        " whether it did is not known."
    ),
    "mod_not_paused": "Video generation isn't paused, so there was nothing to resume.",
    "mod_modlog_cannot_post": (
        "I can't post in {channel}, so the mod-log was not changed: I need {missing} there. "
        "Grant {them} to me in that channel (or pick another channel), then try again."
    ),
    "mod_channel_cannot_post": (
        "I can't post videos in {channel}, so it was not listed and nothing was changed: I need "
        "{missing} there. Grant {them} to me in that channel, then try again."
    ),
    # Changes: the moderator's confirmation, the audit trail and the mod-log
    "change_limits": (
        "{moderator} set the limits: {limit} per member per {period} (next reset "
        "{reset_at}), at most {max_active} at a time, {cooldown} between videos."
    ),
    "change_limits_with_slots": "{limits} {slots}",
    "change_limits_everyone_instead": (
        "{limits} (@everyone has its own allowance ({videos}), which members get instead: "
        "change it with {/videomod role set} or remove it with {/videomod role clear}.)"
    ),
    "change_limits_weekday_unused": (
        "{limits} (The weekday only applies to weekly periods: it will be used if the period "
        "becomes a week.)"
    ),
    "mod_slots": "This server renders at most {limit} videos at a time; the others wait in line.",
    "mod_slots_one": "This server renders 1 video at a time; the others wait in line.",
    "mod_slots_none": "This server sets no limit on videos rendering at once.",
    "change_role_limit": "{moderator} set the limit of {role} to {videos} per period.",
    "change_role_blocked": (
        "{moderator} set the limit of {role} to 0 videos per period: members with it can make "
        "none, whatever their other roles allow (a member's own allowance still comes first)."
    ),
    "change_role_cleared": "{moderator} removed the limit of {role}; it follows the default.",
    "change_role_deleted": (
        "The role {role} was deleted in Discord, so its limit ({videos} per period) applies to "
        "no one any more and was removed."
    ),
    # After "change_role_deleted", in the same line.
    "role_deleted_options_also": (
        "It was also the only role allowed {options}, so no member can use that now: "
        "{/videomod options restrict} allows another role, {/videomod options open} everyone."
    ),
    "change_role_deleted_options": (
        "The role {role} was deleted in Discord. It was the only role allowed {options}, so "
        "no member can use that now: {/videomod options restrict} allows another role, "
        "{/videomod options open} everyone."
    ),
    "change_member_limit": (
        "{moderator} set the limit of {member} to {videos} per period (reason: {reason})."
    ),
    "change_member_limit_until": (
        "{moderator} set the limit of {member} to {videos} per period until {until} "
        "(reason: {reason})."
    ),
    "change_member_blocked": "{moderator} blocked {member} (reason: {reason}).",
    "change_and_replaced": "{change} {replaced}",
    "member_replaced_allowance": (
        "This replaces their own allowance of {videos}, which will not come back by itself: "
        "set it again when this ends."
    ),
    "member_replaced_block": "This lifts their block.",
    "change_member_blocked_until": (
        "{moderator} blocked {member} until {until} (reason: {reason})."
    ),
    "change_member_cleared": (
        "{moderator} removed the personal limit of {member}; the usual limits apply."
    ),
    "change_member_unblocked": "{moderator} unblocked {member}.",
    "change_option_reserved": "{moderator} reserved {option} for {role}.",
    "change_option_role_removed": "{moderator} removed {role} from the roles allowed {option}.",
    "change_option_opened": "{moderator} opened {option} to everyone.",
    "change_channel_added": "{moderator} allowed videos in {channel}.",
    "change_forum_added": "{moderator} allowed videos in {channel} and in every post of that forum.",
    "change_channel_removed": "{moderator} stopped allowing videos in {channel}.",
    "change_channel_removed_last": (
        "{moderator} removed {channel}, the last listed channel: videos are allowed in every "
        "channel again."
    ),
    "change_channels_all": "{moderator} allowed videos in every channel again.",
    "change_channel_deleted": (
        "The channel {channel} was deleted in Discord, so it is no longer listed for videos."
    ),
    "change_channel_deleted_last": (
        "The channel {channel} was deleted in Discord. It was the last listed channel, so "
        "videos are allowed in every channel again."
    ),
    # Kept for audit lines written before "change_budget_amount".
    "change_budget": "{moderator} set the monthly budget to {budget} credits.",
    "change_budget_amount": "{moderator} set the monthly budget to {budget}.",
    "change_budget_removed": "{moderator} removed the monthly budget.",
    "change_word_added": "{moderator} banned `{pattern}` in prompts.",
    "change_word_removed": "{moderator} unbanned `{pattern}`.",
    "change_modlog": "{moderator} set the mod-log channel to {channel}.",
    "change_modlog_off": "{moderator} turned the mod-log off.",
    "change_modrole": "{moderator} set the moderator role to {role}.",
    "change_modrole_off": "{moderator} removed the moderator role.",
    "change_with_reason": "{change} (reason: {reason})",
    "change_job_cancelled": (
        "{moderator} cancelled job #{job_id} of {member}. It was never sent to the video "
        "service, so it doesn't count against them."
    ),
    "change_job_cancelled_counted": (
        "{moderator} cancelled job #{job_id} of {member}: it won't be posted, but it was "
        "already being made, so it still counts against them and the server's budget."
    ),
    "change_job_cancelled_when_sent": (
        "{moderator} cancelled job #{job_id} of {member}: it won't be posted. It was being "
        "sent to the video service just then: if it got there, it still counts against them "
        "and the server's budget; if not, it doesn't."
    ),
    "change_job_cancelled_withheld": (
        "{moderator} cancelled job #{job_id} of {member}: its video was made but not posted "
        "yet, and won't be posted; it was made, so it still counts against them and the "
        "server's budget."
    ),
    "change_member_banned_cancelled": "{member} was banned from the server. {cancelled}",
    "change_operator_block_cancelled": (
        "The bot's operator blocked {member} from making videos everywhere (reason: {reason}). "
        "{cancelled}"
    ),
    "sentences": "{first} {then}",
    "mod_block_cancelled_refunded": (
        "{member}'s waiting jobs are cancelled; they were never sent, so they don't count: {jobs}."
    ),
    "mod_block_cancelled_counted": (
        "{member}'s jobs in progress are cancelled and won't be posted; they were already being "
        "made, so they still count: {jobs}."
    ),
    "mod_block_cancelled_when_sent": (
        "{member}'s jobs being sent right now are cancelled: each stops before it reaches the "
        "video "
        "service (then it doesn't count), or, if it already has, won't be posted and counts: "
        "{jobs}."
    ),
    "mod_block_cancelled_withheld": (
        "{member}'s videos made but not posted yet are cancelled and won't be posted; they were "
        "made, so they still count: {jobs}."
    ),
    "blocked_see_quota": (
        "You can't make videos here right now: {/videos quota} tells you why "
        "(only you see its answer). (This note deletes itself in a minute.)"
    ),
    "mod_modrole_everyone": (
        "@everyone can't be the moderator role: it would let every member change these rules. "
        "Choose a role only your moderators have."
    ),
    "mod_modrole_managed": (
        "{role} belongs to an app or integration and can't be given to members. Choose a role "
        "your moderators have."
    ),
    "change_resumed": "{moderator} resumed video generation.",
    "change_result_deleted": "{moderator} deleted {member}'s video (job #{job_id}).",
    "change_result_deleted_notice": "{moderator} deleted the bot's post about {member}'s job #{job_id}.",
    "change_result_deleted_unknown": "{moderator} deleted the bot's post about job #{job_id}.",
    # Mod-log events
    "mod_outranked_owner": "You can't moderate {member}: they own this server.",
    "mod_outranked_role": (
        "You can't moderate {member}: their highest role is at or above yours. "
        "Ask someone with a higher role, or an administrator."
    ),
    "mod_outranked_role_allowance": (
        "You can't change the allowance of {role}: it is at or above your highest role. "
        "Ask someone with a higher role, or an administrator."
    ),
    "mod_outranked_role_options": (
        "You can't change which resolutions and lengths {role} may use: it is at or above your "
        "highest role. Ask someone with a higher role, or an administrator."
    ),
    "mod_ranks_unreadable": (
        "I can't compare your role with anyone's here: this server added only my commands, "
        "not the bot itself, so I can't read its roles. Ask an administrator or the server's "
        "owner, or add the bot to the server."
    ),
    "modlog_banned_prompt": (
        "🚫 Refused a prompt from {member} in {channel}: it matched `{pattern}`.\n{prompt}"
    ),
    "modlog_banned_prompt_more": (
        "{refused}\n➕ Since the last line about them, {tries} (not posted one by one)."
    ),
    "modlog_paused": (
        "⚠️ The video service says the account has no balance (HTTP 402), so new videos are "
        "paused for everyone. Top up the APIMart account, then run `{/videomod resume}`."
    ),
    "modlog_resumed": "✅ A moderator resumed video generation for everyone (`{/videomod resume}`).",
    "modlog_operator_resumed": "✅ The bot's operator resumed video generation for everyone.",
    "modlog_auto_resumed": (
        "✅ The video service accepted a video again, so generation has resumed by itself."
    ),
}

ZH: dict[str, str] = {
    # Refusals of a new video (nothing is saved or counted)
    "mod_paused": "视频服务的余额已用完，视频生成已暂停。没有计入你的额度；请等管理员通知恢复后再试。",
    "mod_paused_standing": "视频服务的余额已用完，视频生成已暂停；等管理员通知恢复后才能再生成。",
    "mod_channel_not_allowed": (
        "这个频道不能生成视频。请在以下频道使用：{channels}（其中的子区或论坛帖子也可以）。"
    ),
    "mod_banned_words": (
        "你的提示词包含本服务器禁止的词语（`{fragment}`），因此没有生成也没有计入额度。请改写后再试。"
    ),
    "mod_banned_words_public": (
        "你的提示词包含本服务器禁止的词语，因此没有生成也没有计入额度。请改写后再试。（这条提示一分钟后会自动删除。）"
    ),
    "unsent_budget_spent": "你的视频未发送：在它等待期间，排在它前面的视频用掉了本服务器本月的积分预算，剩下的不够支付它。此次不计入额度。管理员可以用 {/videomod budget} 提高预算。",
    "mod_option_reserved": "{option} 仅限本服务器拥有 {roles} 身份组的成员使用。请换一个分辨率或时长后再试。",
    "mod_reference_video_length_reserved": "参考视频决定成片时长，最长可达 {option}，而 {option} 仅限本服务器拥有 {roles} 身份组的成员使用。请去掉视频后再试。",
    "mod_option_reserved_fixed": "{option} 仅限本服务器拥有 {roles} 身份组的成员使用。如需换一个分辨率或时长，请使用 {/video}。",
    "mod_reference_video_length_reserved_fixed": "参考视频决定成片时长，最长可达 {option}，而 {option} 仅限本服务器拥有 {roles} 身份组的成员使用。如需不带视频生成，请使用 {/video}。",
    "mod_no_allowance": "你在本服务器的视频额度为 0，因此不能在这里生成视频。如果你认为有误，请联系管理员。",
    "mod_blocked": "管理员已禁止你在本服务器生成视频（原因：{reason}）。如果你认为有误，请联系管理员。",
    "mod_banned_here": "你已被服务器封禁，这个视频不会生成：什么都没有发送，也不计入你的额度。",
    "mod_blocked_until": (
        "管理员已禁止你在本服务器生成视频，直到 {until}（原因：{reason}）。之后即可再次生成视频。"
    ),
    "mod_blocked_until_spent": (
        "管理员已禁止你在本服务器生成视频，直到 {until}（原因：{reason}）。你{period}的视频额度也已用完，要到 {again} 才能再次生成视频。"
    ),
    "mod_blocked_until_budget": (
        "管理员已禁止你在本服务器生成视频，直到 {until}（原因：{reason}）。本服务器本月的视频预算也已用完，"
        "{again} 可以再次生成视频，或者等管理员提高预算。"
    ),
    "mod_blocked_until_cooldown": (
        "管理员已禁止你在本服务器生成视频，直到 {until}（原因：{reason}）。"
        "加上本服务器两次生成之间的等待时间，你的下一个视频可以在 {again} 开始。"
    ),
    "mod_quota_spent": (
        "你{period}的视频额度（{limit}）已用完，因此这次没有生成视频，也没有计入额度。额度将于 {reset}（{reset_at}）重置。"
    ),
    "mod_quota_spent_none_after": (
        "你{period}的视频额度（{limit}）已用完，因此这次没有生成视频，也没有计入额度。"
        "你的个人额度将于 {ends} 结束，之后在这里没有额度：如需更多，请联系管理员。"
    ),
    "mod_too_many_active": (
        "你已有 {active}正在生成，这里同时最多允许 {limit} 个。请等其中一个完成后再试。"
    ),
    "mod_cooldown": "你在本服务器生成视频的速度有点快。请稍等：{when} 可以开始下一个。",
    "mod_too_many_active_several": (
        "你已有 {active}正在生成，这里同时最多允许 {limit} 个。请等其中 {finish} 个完成后再试。"
    ),
    "mod_too_many_active_personal": (
        "你已有 {active}正在生成，你的个人额度同时最多允许 {limit} 个。请等其中一个完成后再试。"
    ),
    "mod_too_many_active_several_personal": (
        "你已有 {active}正在生成，你的个人额度同时最多允许 {limit} 个。"
        "请等其中 {finish} 个完成后再试。"
    ),
    "mod_cooldown_none_after": (
        "你在本服务器生成视频的速度有点快。你的个人额度将于 {ends} 结束，比两次生成之间的等待时间"
        "结束得更早，之后在这里没有额度：如需更多，请联系管理员。"
    ),
    "mod_cooldown_own_ends": (
        "你在本服务器生成视频的速度有点快。你的个人额度将于 {ends} 结束，比两次生成之间的等待时间"
        "结束得更早；之后适用的额度{period}只有 {limit}，你已经用完，因此你的下一个视频可以在 {when} 开始。"
    ),
    "mod_budget_spent": (
        "本服务器本月的视频预算已用完（已用 {used} / {budget} 积分）。{reset} 可以再次生成视频，"
        "或者等管理员提高预算。"
    ),
    "mod_budget_spent_held": (
        "本服务器本月的视频预算已用完（{used} / {budget} 积分，已计入正在生成的视频的预计花费）。"
        "{reset} 可以再次生成视频；如果正在生成的视频花费比预计少、失败或被取消，可以更早；"
        "或者等管理员提高预算。"
    ),
    "mod_budget_too_little": (
        "本服务器本月的视频预算只剩 {left}，不够最便宜的视频（{cheapest}）。"
        "{reset} 可以再次生成视频，或者等管理员提高预算。"
    ),
    "mod_budget_too_little_held": (
        "扣除正在生成的视频的预计花费后，本服务器本月的视频预算只剩 {left}，"
        "不够最便宜的视频（{cheapest}）。{reset} 可以再次生成视频；如果正在生成的视频花费比预计少、"
        "失败或被取消，可以更早；或者等管理员提高预算。"
    ),
    "mod_budget_short": (
        "这个视频预计花费 {cost}，但扣除正在生成的视频的预计花费后，本服务器本月的视频预算只剩 "
        "{left}。没有计入额度。换成更短或分辨率更低的视频也许够用；预算将于 {reset} 重置。"
    ),
    "mod_budget_short_reference": (
        "这个视频预计花费 {cost}，但扣除正在生成的视频的预计花费后，本服务器本月的视频预算只剩 "
        "{left}。没有计入额度。换成分辨率更低的视频，或不用参考视频的更短视频，也许够用；预算将于 "
        "{reset} 重置。"
    ),
    "mod_period_day": "日",
    "mod_period_week": "周",
    "mod_period_month": "月",
    "mod_this_day": "今天",
    "mod_this_week": "本周",
    "mod_this_month": "本月",
    # /videos quota
    "quota_whose_server": "按 {server} 的规则：",
    "quota_whose_this_server": "按本服务器的规则：",
    "quota_whose_personal": "你的个人额度（用于私信、群组私信和未添加本机器人的服务器）：",
    "quota_left": "你{period}还可以生成 **{left}**（共 {limit} 个）。额度将于 {reset}（{reset_at}）重置。",
    "quota_left_none_after": (
        "你{period}还可以生成 **{left}**（共 {limit} 个）。你的个人额度将于 {ends} 结束，之后在这里没有额度。"
    ),
    "quota_own_ends": "你的个人额度将于 {ends} 结束；之后你{period}还可以生成 **{left}**（共 {limit} 个）。",
    "quota_active": "正在生成：{active}（同时最多 {limit} 个）。",
    "quota_cooldown": "你的下一个视频可以在 {when} 开始。",
    "quota_reserved": "仅限其他身份组使用：{options}。如需使用，请联系管理员。",
    "quota_reserved_reference": "仅限其他身份组使用：{options}，因此也不能使用参考视频（参考视频决定成片时长，最长可达 {length}）。如需使用，请联系管理员。",
    "quota_channels": "可以生成视频的频道：{channels}（包括其中的子区和论坛帖子）。",
    # /videomod: who may use it
    "mod_not_allowed": (
        "只有拥有「管理服务器」权限或管理员身份组的成员才能使用 {/videomod}，因此没有做任何更改。"
        "如需使用，请联系服务器管理员。"
    ),
    "mod_needs_manage_server": (
        "只有拥有「管理服务器」权限的成员才能设置管理员身份组，因此没有做任何更改。请让服务器管理员操作。"
    ),
    # /videomod limits show
    "mod_none": "无",
    "mod_show_limits": (
        "**额度：**每位成员每{period} {limit}，于{starts}重置；本周期于 {reset}（{reset_at}）结束。"
        "每位成员同时最多 {max_active} 个，两个视频之间间隔 {cooldown}。"
    ),
    "mod_show_limits_everyone": (
        "**额度：**每位成员每{period} {limit}（设置在 @everyone 上：除非身份组或成员自己的额度另有规定，"
        "每位成员都按它计算；设置期间，服务器默认的 {default}不适用于任何人，对 @everyone 使用 "
        "{/videomod role clear} 即可恢复默认），于{starts}重置；本周期于 {reset}（{reset_at}）结束。"
        "每位成员同时最多 {max_active} 个，两个视频之间间隔 {cooldown}。"
    ),
    "mod_reset_day": "每天 UTC {hour}:00 ",
    "mod_reset_week": "每{weekday} UTC {hour}:00 ",
    "mod_reset_month": "每月 1 日 UTC {hour}:00 ",
    "weekday_0": "周一",
    "weekday_1": "周二",
    "weekday_2": "周三",
    "weekday_3": "周四",
    "weekday_4": "周五",
    "weekday_5": "周六",
    "weekday_6": "周日",
    "mod_show_roles": "**身份组额度：**{items}",
    "mod_show_roles_header": "**身份组额度：**",
    "mod_role_limit_item": "- {role}：{videos}",
    "mod_role_limit_blocked": "- {role}：禁止生成（0 个视频，无论其他身份组的额度如何）",
    "mod_show_members": "**成员额度：**",
    "mod_show_no_members": "**成员额度：**无",
    "mod_override_item": "- {member}：{videos}（原因：{reason}）",
    "mod_override_blocked": "禁止生成",
    "cooldown_none": "0 秒（无需等待）",
    "mod_override_item_until": "- {member}：{videos}，直到 {until}（原因：{reason}）",
    "mod_more": "……还有 {count} 条。",
    "mod_more_not_shown": "……{lines}未显示。",
    "mod_show_options": "**限定选项：**{items}",
    "mod_option_item": "{option} → {roles}",
    "option_value": "{value}",
    "mod_show_channels": "**频道：**仅限 {items}（包括其中的子区和论坛帖子）",
    "mod_show_all_channels": "**频道：**全部",
    "mod_show_budget": "**每月预算：**已用 {used} / {budget} 积分；本月 {reset} 结束。",
    "mod_show_budget_held": (
        "**每月预算：**已用 {used} / {budget} 积分，另有 {held} 积分预留给尚未结算的视频"
        "（正在生成的，以及提交后没有收到回复的）；"
        "本月 {reset} 结束。"
    ),
    "mod_show_no_budget": "**每月预算：**无（本月已用 {used}；见 `{/videomod budget}`）。",
    "mod_show_words": "**禁用词：**{count} 个（用 `{/videomod words list}` 查看）。",
    "mod_show_modlog": "**管理日志频道：**{channel}",
    "mod_show_modrole": "**管理员身份组：**{role}",
    "mod_show_no_modlog": (
        "**管理日志频道：**无，更改、被拒绝的提示词和警报都不会发布（见 `{/videomod modlog}`）。"
    ),
    "mod_show_no_modrole": (
        "**管理员身份组：**无，只有拥有「管理服务器」权限的成员可以管理（见 `{/videomod modrole}`）。"
    ),
    "mod_show_paused": "**已暂停：**视频服务的余额已用完。请充值后运行 `{/videomod resume}`。",
    "mod_show_bans_unheard": (
        "**服务器封禁：**机器人的身份组既没有「查看审核日志」权限，也没有从服务器封禁成员的权限，"
        "所以 Discord 不会告知它任何服务器封禁，被服务器封禁的成员的视频仍会继续生成"
        "（请为它的身份组授予「查看审核日志」权限，或使用 `{/videomod block}`）。"
    ),
    # /videomod usage, jobs, audit, words list
    "mod_usage_empty": "{period}还没有人生成视频。",
    "mod_usage_title": "**{period}用量最多的成员**（自 {start} 起）：",
    "mod_usage_line": "{rank}. {member}：{jobs}，{credits}",
    "mod_usage_more": "{members}：{/videomod usage} `{opt_page}:{next}`",
    "mod_usage_no_page": "没有第 {page} 页：最后一页是第 {last} 页。",
    "mod_usage_beyond": "{members}排名在以上成员之后，第 {last} 页之后不再列出：{/videomod usage} 加 `{opt_member}` 可查看其中任一成员。",
    "mod_member_usage": (
        "{member} {period}已用 {used} / {limit}（{source}），{credits}；本周期 {reset} 结束。"
    ),
    "mod_member_usage_over": (
        "{member} {period}已生成 {used}，超过了现在的额度 {limit}（{source}）：额度是在这些视频生成后才调低的，"
        "所以本周期结束（{reset}）前不能再生成。已花费 {credits}。"
    ),
    "mod_member_usage_until": (
        "{member} {period}已用 {used} / {limit}（{source}），{credits}；这个额度 {ends} 结束，"
        "{again} 可以再生成（本周期 {reset} 结束）。"
    ),
    "mod_member_usage_over_cooldown": (
        "{member} {period}已生成 {used}，超过了现在的额度 {limit}（{source}）：额度是在这些视频生成后才调低的，"
        "所以本周期结束（{reset}）前不能再生成；加上两次生成之间的等待时间，下一个视频可以在 {again} 开始。"
        "已花费 {credits}。"
    ),
    "mod_member_usage_spent_cooldown": (
        "{member} {period}已用 {used} / {limit}（{source}），{credits}；本周期 {reset} 结束，"
        "但加上两次生成之间的等待时间，下一个视频可以在 {again} 开始。"
    ),
    "mod_member_usage_over_until": (
        "{member} {period}已生成 {used}，超过了现在的额度 {limit}（{source}），"
        "所以 {again} 前不能再生成（这个额度 {ends} 结束，本周期 {reset} 结束）。已花费 {credits}。"
    ),
    "mod_member_usage_none_after": (
        "{member} {period}已生成 {used}，额度为 {limit}（{source}），{credits}；这个额度 {ends} 结束，"
        "之后在这里没有额度，所以不能再生成。"
    ),
    "mod_member_usage_none": "{member} {period}已生成 {used}，{credits}，现在不能生成视频：{why}。",
    "mod_member_blocked": "已被管理员禁止生成视频（原因：{reason}）",
    "mod_member_blocked_until": "已被管理员禁止生成视频，直到 {until}（原因：{reason}）",
    "mod_member_blocked_until_budget": (
        "已被管理员禁止生成视频，直到 {until}（原因：{reason}），且本服务器本月的预算已用完，"
        "{again} 才能再次生成视频，除非管理员提高预算"
    ),
    "mod_member_blocked_until_cooldown": (
        "已被管理员禁止生成视频，直到 {until}（原因：{reason}），加上两次生成之间的等待时间，"
        "下一个视频可以在 {again} 开始"
    ),
    "mod_member_blocked_until_spent": (
        "已被管理员禁止生成视频，直到 {until}（原因：{reason}），且其{period}的视频额度已用完，要到 {again} 才能再次生成"
    ),
    "mod_member_none_limit": "其{source}为 0 个视频",
    "mod_source_default": "服务器默认额度",
    "mod_source_role": "身份组额度",
    "mod_source_member": "个人额度",
    "mod_job_line": "`#{job_id}` {created} {member}：{state}，{credits}，{prompt}",
    "mod_job_line_no_cost": "`#{job_id}` {created} {member}：{state}，{prompt}",
    "mod_job_line_unreported": "`#{job_id}` {created} {member}：{state}，约 {credits}（APIMart 未报告），{prompt}",
    "mod_job_line_unreported_up_to": (
        "`#{job_id}` {created} {member}：{state}，最多 {credits}（APIMart 未报告），{prompt}"
    ),
    "mod_job_line_expected": "`#{job_id}` {created} {member}：{state}，预计花费约 {credits}，{prompt}",
    "mod_job_line_expected_up_to": (
        "`#{job_id}` {created} {member}：{state}，预计花费最多 {credits}，{prompt}"
    ),
    "mod_job_prompt_hidden": "*（提示词已隐藏：在你无法查看的频道中生成）*",
    "mod_jobs_empty": "还没有任务。",
    "mod_audit_line": "{when}：{change}",
    "mod_audit_empty": "还没有管理员更改记录。",
    "mod_audit_member_empty": "没有由 {member} 做出或与其有关的更改记录。",
    "mod_audit_page": "**管理员更改，第 {page} 页**（最新的在前）：",
    "mod_audit_member": "**由 {member} 做出或与其有关的更改**（最新的在前）：",
    "mod_audit_member_page": "**由 {member} 做出或与其有关的更改，第 {page} 页**（最新的在前）：",
    "mod_audit_older": "更早的更改：{/videomod audit} `{opt_page}:{next}`",
    "mod_audit_older_member": "更早的更改：{/videomod audit}，`{opt_member}` 选 {member}，`{opt_page}:{next}`",
    "mod_audit_no_page": "没有第 {page} 页：最早的更改在第 {last} 页。",
    "mod_audit_beyond": "第 {last} 页之后更早的更改不再列出：{/videomod audit} 加 `{opt_member}` 可单独列出某位成员的更改。",
    "mod_audit_beyond_member": "第 {last} 页之后由 {member} 做出或与其有关的更早更改不再列出。",
    "mod_words_list": "**禁用词（{count} 个）：**",
    "mod_words_list_page": "**禁用词（{count} 个），第 {page} 页：**",
    "mod_words_more": "更多禁用词：{/videomod words list} `{opt_page}:{next}`",
    "mod_words_beyond": "第 {last} 页之后还有更多禁用词，不再列出：{/videomod words remove} 输入词语本身即可移除其中任一个。",
    "mod_words_item": "- `{pattern}`",
    "mod_words_empty": "还没有禁用词。可用 `{/videomod words add}` 添加。",
    # /videomod: answers when nothing changes
    "mod_nothing_given": "没有提供任何选项，因此没有做任何更改。请至少选择一个选项，或用 `{/videomod limits show}` 查看当前额度。",
    "mod_policy_unchanged": "当前设置已经是这样，因此没有做任何更改。`{/videomod limits show}` 会列出所有规则。",
    "mod_credits_too_small": "最小值为 {smallest} 积分，因此没有做任何更改。输入 0 可将其关闭。",
    "mod_bad_pattern": (
        "`{pattern}` 不能用作禁用词，因此没有做任何更改。请使用不超过 {limit} 个字符的词或短语，"
        "* 只能放在开头或结尾（例如 `gore*`）。"
    ),
    "mod_word_too_long": "`{pattern}` 超过 {limit} 个字符（禁用词或短语的上限），因此没有做任何更改。",
    "mod_word_too_long_folded": (
        "`{pattern}` 在统一大小写和特殊字母后（`ß` 计为 `ss`）共有 {length} 个字符，"
        "超过禁用词或短语的上限 {limit} 个字符，因此没有做任何更改。"
    ),
    "mod_word_exists": "`{pattern}` 已经是禁用词，因此没有做任何更改。",
    "mod_word_missing": "`{pattern}` 不在列表中，因此没有做任何更改。可用 `{/videomod words list}` 查看列表。",
    "mod_role_no_limit": "{role} 没有单独的额度，因此没有做任何更改。",
    "mod_member_no_limit": "{member} 没有个人额度，也没有被禁止生成视频，因此没有做任何更改。",
    "mod_member_owner_blocked": (
        "{member} 已被机器人运营者在所有服务器中禁止（原因：{reason}），无论本服务器如何设置都无法生成视频；"
        "只有运营者可以解除。"
    ),
    "mod_member_not_blocked": (
        "{member} 没有被禁止生成视频：该成员有自己的额度，会保留（{/videomod member clear} 可移除），"
        "因此没有做任何更改。"
    ),
    "mod_member_still_none": "{member} 仍然不能在这里生成视频：其{source}为 0 个视频。",
    "mod_member_already_blocked": (
        "{member} 已经被禁止生成视频，没有结束时间，原因相同（{reason}），因此没有做任何更改。"
    ),
    "mod_member_already_limit": (
        "{member} 已经有每周期 {videos} 的个人额度，没有结束时间，原因相同（{reason}），"
        "因此没有做任何更改。"
    ),
    "mod_option_not_reserved": "{option} 没有限定给任何身份组，因此没有做任何更改。",
    "mod_option_not_reserved_for_role": "{option} 没有限定给 {role}，因此没有做任何更改。",
    "mod_option_already_reserved": "{role} 已经可以使用 {option}，因此没有做任何更改。",
    "mod_option_everyone": "每个成员都有 @everyone，把 {option} 限定给它不会限制任何人，因此没有做任何更改。要让所有成员都能使用 {option}，请使用 {/videomod options open}，不选身份组；要限定它，请选择只有部分成员拥有的身份组。",
    "mod_channel_already": "{channel} 已经允许生成视频，因此没有做任何更改。",
    "mod_channel_not_listed": "{channel} 不在列表中，因此没有做任何更改。可用 `{/videomod limits show}` 查看列表。",
    "mod_channels_already_all": "所有频道都已允许生成视频，没有做任何更改。",
    "mod_job_not_found": "本服务器没有任务 #{job_id}。请用 `{/videomod jobs}` 核对编号。",
    "mod_job_not_cancellable": "任务 #{job_id} 当前状态为「{state}」，已无法取消。",
    "mod_job_not_cancellable_unknown": "任务 #{job_id} 已无法取消：它可能已送达视频服务，但无法确定。",
    "mod_not_paused": "视频生成没有暂停，无需恢复。",
    "mod_modlog_cannot_post": (
        "我无法在 {channel} 发消息，因此没有更改管理日志频道：我在那里需要以下权限：{missing}。"
        "请在该频道为我授予{them}（或选择其他频道）后再试。"
    ),
    "mod_channel_cannot_post": (
        "我无法在 {channel} 发布视频，因此没有把它加入列表，也没有做任何更改。"
        "我需要在该频道拥有以下权限：{missing}。请在该频道为我授予{them}后再试。"
    ),
    # Changes: the moderator's confirmation, the audit trail and the mod-log
    "change_limits": (
        "{moderator} 设置了额度：每位成员每{period} {limit}（下次重置 {reset_at}），"
        "同时最多 {max_active} 个，两个视频之间间隔 {cooldown}。"
    ),
    "change_limits_with_slots": "{limits}{slots}",
    "change_limits_everyone_instead": (
        "{limits}（@everyone 有自己的额度（{videos}），成员实际按它计算：可用 {/videomod role set} 修改，"
        "或用 {/videomod role clear} 移除。）"
    ),
    "change_limits_weekday_unused": (
        "{limits}（「重置星期」只在周期为「周」时生效：以后把周期改为「周」时才会用到。）"
    ),
    "mod_slots": "本服务器同时最多生成 {limit} 个视频，其余的排队等待。",
    "mod_slots_one": "本服务器同时只生成 1 个视频，其余的排队等待。",
    "mod_slots_none": "本服务器不限制同时生成的视频数量。",
    "change_role_limit": "{moderator} 将 {role} 的额度设为每周期 {videos}。",
    "change_role_blocked": (
        "{moderator} 将 {role} 的额度设为每周期 0 个视频：拥有该身份组的成员无论其他身份组的额度"
        "如何都不能生成视频（成员的个人额度仍然优先）。"
    ),
    "change_role_cleared": "{moderator} 移除了 {role} 的额度；该身份组改用默认额度。",
    "change_role_deleted": "身份组 {role} 已在 Discord 中被删除，它的额度（每周期 {videos}）不再适用于任何人，已移除。",
    "role_deleted_options_also": "它也是唯一可以使用 {options} 的身份组，所以现在没有成员能使用：{/videomod options restrict} 可以允许其他身份组，{/videomod options open} 可以向所有人开放。",
    "change_role_deleted_options": "身份组 {role} 已在 Discord 中被删除。只有它可以使用 {options}，所以现在没有成员能使用：{/videomod options restrict} 可以允许其他身份组，{/videomod options open} 可以向所有人开放。",
    "change_member_limit": "{moderator} 将 {member} 的额度设为每周期 {videos}（原因：{reason}）。",
    "change_member_limit_until": (
        "{moderator} 将 {member} 的额度设为每周期 {videos}，直到 {until}（原因：{reason}）。"
    ),
    "change_member_blocked": "{moderator} 禁止 {member} 生成视频（原因：{reason}）。",
    "change_and_replaced": "{change}{replaced}",
    "member_replaced_allowance": "这会取代其原有的个人额度（{videos}），该额度不会自动恢复，结束后请重新设置。",
    "member_replaced_block": "这会解除对该成员生成视频的禁止。",
    "change_member_blocked_until": "{moderator} 禁止 {member} 生成视频，直到 {until}（原因：{reason}）。",
    "change_member_cleared": "{moderator} 移除了 {member} 的个人额度；改用通常的额度。",
    "change_member_unblocked": "{moderator} 解除了对 {member} 生成视频的禁止。",
    "change_option_reserved": "{moderator} 将 {option} 限定给 {role}。",
    "change_option_role_removed": "{moderator} 将 {role} 从可使用 {option} 的身份组中移除。",
    "change_option_opened": "{moderator} 向所有人开放了 {option}。",
    "change_channel_added": "{moderator} 允许在 {channel} 生成视频。",
    "change_forum_added": "{moderator} 允许在论坛 {channel} 及其中的每个帖子生成视频。",
    "change_channel_removed": "{moderator} 不再允许在 {channel} 生成视频。",
    "change_channel_removed_last": "{moderator} 移除了最后一个列出的频道 {channel}：所有频道都可以再次生成视频。",
    "change_channels_all": "{moderator} 重新允许在所有频道生成视频。",
    "change_channel_deleted": "频道 {channel} 已在 Discord 中被删除，因此已从允许生成视频的列表中移除。",
    "change_channel_deleted_last": (
        "频道 {channel} 已在 Discord 中被删除。它是列表中的最后一个频道，因此所有频道都可以再次生成视频。"
    ),
    "change_budget": "{moderator} 将每月预算设为 {budget} 积分。",
    "change_budget_amount": "{moderator} 将每月预算设为 {budget}。",
    "change_budget_removed": "{moderator} 移除了每月预算。",
    "change_word_added": "{moderator} 在提示词中禁用了 `{pattern}`。",
    "change_word_removed": "{moderator} 解除了对 `{pattern}` 的禁用。",
    "change_modlog": "{moderator} 将管理日志频道设为 {channel}。",
    "change_modlog_off": "{moderator} 关闭了管理日志。",
    "change_modrole": "{moderator} 将管理员身份组设为 {role}。",
    "change_modrole_off": "{moderator} 移除了管理员身份组。",
    "change_with_reason": "{change}（原因：{reason}）",
    "change_job_cancelled": "{moderator} 取消了 {member} 的任务 #{job_id}。它从未发送给视频服务，所以不计入该成员的额度。",
    "change_job_cancelled_counted": (
        "{moderator} 取消了 {member} 的任务 #{job_id}：视频不会发布，但它已经开始生成，"
        "所以仍计入该成员的额度和服务器预算。"
    ),
    "change_job_cancelled_when_sent": "{moderator} 取消了 {member} 的任务 #{job_id}：视频不会发布。取消时它正在发送给视频服务：如果已经送达，仍计入该成员的额度和服务器预算；否则不计入。",
    "change_job_cancelled_withheld": "{moderator} 取消了 {member} 的任务 #{job_id}：视频已生成但尚未发布，不会再发布；由于它已经生成，仍计入该成员的额度和服务器预算。",
    "change_member_banned_cancelled": "{member} 已被服务器封禁。{cancelled}",
    "change_operator_block_cancelled": "机器人运营者禁止 {member} 在任何地方生成视频（原因：{reason}）。{cancelled}",
    "sentences": "{first}{then}",
    "mod_block_cancelled_refunded": "{member} 等待中的任务已取消；它们从未发送，所以不计入额度：{jobs}。",
    "mod_block_cancelled_counted": "{member} 生成中的任务已取消，视频不会发布；由于它们已经开始生成，仍计入额度：{jobs}。",
    "mod_block_cancelled_when_sent": "{member} 正在发送的任务已取消：在到达视频服务之前停下的不计入额度；已经到达的不会发布视频，但仍计入额度：{jobs}。",
    "mod_block_cancelled_withheld": "{member} 已生成但尚未发布的视频已取消，不会发布；由于它们已经生成，仍计入额度：{jobs}。",
    "blocked_see_quota": "你现在不能在这里生成视频：用 {/videos quota} 查看原因（只有你能看到回答）。（这条提示一分钟后会自动删除。）",
    "mod_modrole_everyone": "@everyone 不能作为管理员身份组：那会让每个成员都能修改这些规则。请选择只有管理员拥有的身份组。",
    "mod_modrole_managed": "{role} 属于某个应用或集成，无法分配给成员。请选择你的管理员拥有的身份组。",
    "change_resumed": "{moderator} 恢复了视频生成。",
    "change_result_deleted": "{moderator} 删除了 {member} 的视频（任务 #{job_id}）。",
    "change_result_deleted_notice": "{moderator} 删除了机器人关于 {member} 的任务 #{job_id} 的消息。",
    "change_result_deleted_unknown": "{moderator} 删除了机器人关于任务 #{job_id} 的消息。",
    # Mod-log events
    "mod_outranked_owner": "你不能对 {member} 执行管理操作：对方是这个服务器的所有者。",
    "mod_outranked_role": (
        "你不能对 {member} 执行管理操作：对方的最高身份组不低于你的。请找身份组更高的人，或拥有「管理员」权限的人。"
    ),
    "mod_outranked_role_allowance": (
        "你不能更改 {role} 的额度：它不低于你的最高身份组。请找身份组更高的人，或拥有「管理员」权限的人。"
    ),
    "mod_outranked_role_options": (
        "你不能更改 {role} 可使用的分辨率和时长：它不低于你的最高身份组。请找身份组更高的人，或拥有「管理员」权限的人。"
    ),
    "mod_ranks_unreadable": (
        "我无法在这里比较你和其他人的身份组：这个服务器只添加了我的命令，没有添加机器人本身，所以我读取不到它的身份组。请找拥有「管理员」权限的人或服务器所有者，或把机器人添加到服务器。"
    ),
    "modlog_banned_prompt": "🚫 拒绝了 {member} 在 {channel} 的提示词：匹配到 `{pattern}`。\n{prompt}",
    "modlog_banned_prompt_more": "{refused}\n➕ 自上一条关于该成员的记录以来，{tries}（未逐条发送）。",
    "modlog_paused": (
        "⚠️ 视频服务提示账户已没有余额（HTTP 402），所有人的新视频已暂停。"
        "请为 APIMart 账户充值，然后运行 `{/videomod resume}`。"
    ),
    "modlog_resumed": "✅ 一位管理员为所有人恢复了视频生成（`{/videomod resume}`）。",
    "modlog_operator_resumed": "✅ 机器人运营者为所有人恢复了视频生成。",
    "modlog_auto_resumed": "✅ 视频服务再次接受了视频，生成已自动恢复。",
}

# Chinese names and descriptions of /videomod and /videos quota, keyed by the English in the
# code; merged into `bot.locales.commands.ZH_COMMANDS` (entries there win on a clash).
ZH_COMMANDS: dict[str, str] = {
    # /videos quota
    "quota": "额度",
    "How many videos you have left": "你还能生成多少个视频",
    # /videomod and its groups
    "videomod": "视频管理",
    "Moderate video making: limits, blocks, budget and banned words": "管理视频生成：额度、禁止生成、预算和禁用词",
    "limits": "额度",
    "Videos per member and period": "每位成员每个周期的视频数",
    "role": "身份组",
    "Allowances for a role": "身份组的额度",
    "member": "成员",
    "Allowances for one member": "单个成员的额度",
    "options": "选项",
    "Resolutions and lengths by role": "按身份组限定分辨率和时长",
    "channels": "频道",
    "Where videos may be made": "可以生成视频的频道",
    "words": "禁用词",
    "Words refused in prompts": "提示词中禁止的词语",
    # Subcommands
    "show": "查看",
    "Show every rule of this server": "查看本服务器的全部规则",
    "set": "设置",
    "Change the default allowance and its period": "修改默认额度及其周期",
    "Give a role its own allowance per period": "为身份组设置单独的每周期额度",
    "clear": "清除",
    "Make a role follow the default allowance again": "让身份组恢复使用默认额度",
    "Give one member their own allowance per period": "为单个成员设置单独的每周期额度",
    "Remove a member's own allowance or block": "移除成员的个人额度，或解除对其生成视频的禁止",
    "restrict": "限定",
    "Reserve a resolution or length for a role": "将某个分辨率或时长限定给身份组",
    "open": "开放",
    "Let a role, or everyone, use an option again": "重新允许某个身份组或所有人使用某个选项",
    "add": "添加",
    "Allow videos in a channel (then only listed ones)": "允许在某个频道生成视频（之后仅限列出的频道）",
    "remove": "移除",
    "Stop allowing videos in a listed channel": "不再允许在列出的频道生成视频",
    "all": "全部",
    "Allow videos in every channel again": "重新允许在所有频道生成视频",
    "Refuse prompts containing a word or phrase": "拒绝包含某个词或短语的提示词",
    "Allow a banned word or phrase again": "解除对某个词或短语的禁用",
    "list": "列表",
    "Show the banned words and phrases": "查看禁用的词和短语",
    "block": "禁止",
    "Stop a member from making videos": "禁止成员生成视频",
    "unblock": "解禁",
    "Let a blocked member make videos again": "允许被禁止的成员再次生成视频",
    "budget": "预算",
    "Credits this server may spend per month": "本服务器每月可使用的积分",
    "usage": "用量",
    "Top members this period, or one member": "本周期用量最多的成员，或单个成员的用量",
    "jobs": "任务列表",
    "Recent jobs in this server and their state": "本服务器最近的任务及其状态",
    "Cancel a member's unfinished job": "取消成员未完成的任务",
    "audit": "审计",
    "Recent moderator changes": "最近的管理员更改",
    "resume": "恢复",
    "Resume videos after the balance is topped up": "充值后恢复视频生成",
    "modlog": "管理日志",
    "Where changes and alerts are posted": "发布更改和警报的频道",
    "modrole": "管理员身份组",
    "A role that may use /videomod": "可以使用 /视频管理 的身份组",
    # Options
    "allowance": "额度",
    "Videos per member per period (0 blocks all without a role or member limit)": "每位成员每周期的视频数（0 表示禁止所有没有身份组或成员额度的人生成）",
    "period": "周期",
    "How often allowances start again": "额度多久重置一次",
    "reset_hour": "重置小时",
    "The UTC hour (0-23) at which a period starts": "周期开始的 UTC 小时（0-23）",
    "reset_weekday": "重置星期",
    "The weekday a weekly period starts on": "按周计算时周期开始的星期",
    "max_active": "同时上限",
    "server_at_once": "服务器同时上限",
    "Videos of this server rendering at once; the rest wait in line (0: no limit)": (
        "本服务器同时生成的视频数；其余的排队等待（0 表示不限制）"
    ),
    "Unfinished videos a member may have at once": "每位成员同时可以有多少个未完成的视频",
    "cooldown": "冷却",
    "Seconds a member must wait between videos": "两个视频之间需要等待的秒数",
    "The role": "身份组",
    "Videos per period for members with it (0 blocks them)": "拥有该身份组的成员每周期的视频数（0 表示禁止生成）",
    "The member": "成员",
    "Videos per period (0 blocks them)": "每周期的视频数（0 表示禁止生成）",
    "reason": "原因",
    "Why (kept in the audit trail; shown to them when the allowance is 0)": (
        "原因（记录在审计日志中；额度为 0 时会告诉该成员）"
    ),
    "Why (shown to them and kept in the audit trail)": "原因（会告诉该成员并记录在审计日志中）",
    "Why (kept in the audit trail and shown in the mod-log)": "原因（记录在审计日志中并显示在管理日志频道）",
    "days": "天数",
    "How many days it lasts (leave out for no end)": "持续多少天（不填表示永久）",
    "option": "选项",
    "The resolution or length": "分辨率或时长",
    "A role that may use it": "可以使用它的身份组",
    "Only this role (leave out to open it to all)": "仅此身份组（不填表示向所有人开放）",
    "channel": "频道",
    "A channel, voice channel, thread or forum (its threads and posts follow it)": (
        "频道、语音频道、子区或论坛（其中的子区和帖子同样适用）"
    ),
    "pattern": "词语",
    "A word or phrase; * at the start or end matches more": "一个词或短语；开头或结尾的 * 可匹配更多",
    "The word or phrase, as listed": "列表中显示的词或短语",
    "credits": "积分",
    "Credits per calendar month (UTC); 0 removes the budget": "每个自然月（UTC）的积分；0 表示取消预算",
    "One member's standing and recent jobs": "单个成员的用量和最近的任务",
    "Only this member's jobs": "只看这个成员的任务",
    "Only changes by or about this member": "只看由这个成员做出或与其有关的更改",
    "page": "页码",
    "1 for the newest changes, 2 for older ones, and so on": "1 为最新的更改，2 为更早的，依此类推",
    "1 for the top members, 2 for the next ones, and so on": "1 为用量最多的成员，2 为之后的，依此类推",
    "1 for the first words, 2 for the next ones, and so on": "1 为最前面的词，2 为之后的，依此类推",
    "The job number, e.g. 12 (see /videomod jobs)": "任务编号，例如 12（见 /视频管理 任务列表）",
    "The mod-log channel (leave out to turn it off)": "管理日志频道（不填表示关闭）",
    "The moderator role (leave out to remove it)": "管理员身份组（不填表示移除）",
    # Choices
    "Day": "日",
    "Week": "周",
    "Month": "月",
    "Monday": "星期一",
    "Tuesday": "星期二",
    "Wednesday": "星期三",
    "Thursday": "星期四",
    "Friday": "星期五",
    "Saturday": "星期六",
    "Sunday": "星期日",
    "Resolution 720p": "分辨率 720p",
    "Resolution 1080p": "分辨率 1080p",
    "Resolution 4K": "分辨率 4K",
    "Duration 4s": "时长 4 秒",
    "Duration 6s": "时长 6 秒",
    "Duration 8s": "时长 8 秒",
    "Duration 10s": "时长 10 秒",
}


# Traditional Chinese with Taiwan wording, for zh-TW clients: the ZH sentences with the same
# keys and blanks (影片, 伺服器, 訊息, 設定, 身分組 as a Taiwanese Discord client says them).
ZH_TW: dict[str, str] = {
    # Refusals of a new video (nothing is saved or counted)
    "mod_paused": "影片服務的餘額已用完，影片生成已暫停。沒有計入你的額度；請等管理員通知恢復後再試。",
    "mod_paused_standing": "影片服務的餘額已用完，影片生成已暫停；等管理員通知恢復後才能再生成。",
    "mod_channel_not_allowed": (
        "這個頻道不能生成影片。請在以下頻道使用：{channels}（其中的討論串或論壇貼文也可以）。"
    ),
    "mod_banned_words": (
        "你的提示詞包含本伺服器禁止的詞語（`{fragment}`），因此沒有生成也沒有計入額度。請改寫後再試。"
    ),
    "mod_banned_words_public": "你的提示詞包含本伺服器禁止的詞語，因此沒有生成也沒有計入額度。請改寫後再試。（這則提示一分鐘後會自動刪除。）",
    "unsent_budget_spent": "你的影片未傳送：在它等待期間，排在它前面的影片用掉了本伺服器本月的點數預算，剩下的不夠支付它。此次不計入額度。管理員可以用 {/videomod budget} 提高預算。",
    "mod_option_reserved": "{option} 僅限本伺服器擁有 {roles} 身分組的成員使用。請換一個解析度或時長後再試。",
    "mod_reference_video_length_reserved": "參考影片決定成片時長，最長可達 {option}，而 {option} 僅限本伺服器擁有 {roles} 身分組的成員使用。請去掉影片後再試。",
    "mod_option_reserved_fixed": "{option} 僅限本伺服器擁有 {roles} 身分組的成員使用。如需換一個解析度或時長，請使用 {/video}。",
    "mod_reference_video_length_reserved_fixed": "參考影片決定成片時長，最長可達 {option}，而 {option} 僅限本伺服器擁有 {roles} 身分組的成員使用。如需不帶影片生成，請使用 {/video}。",
    "mod_no_allowance": "你在本伺服器的影片額度為 0，因此不能在這裡生成影片。如果你認為有誤，請聯絡管理員。",
    "mod_blocked": "管理員已禁止你在本伺服器生成影片（原因：{reason}）。如果你認為有誤，請聯絡管理員。",
    "mod_banned_here": "你已被伺服器停權，這個影片不會生成：什麼都沒有傳送，也不計入你的額度。",
    "mod_blocked_until": (
        "管理員已禁止你在本伺服器生成影片，直到 {until}（原因：{reason}）。之後即可再次生成影片。"
    ),
    "mod_blocked_until_spent": (
        "管理員已禁止你在本伺服器生成影片，直到 {until}（原因：{reason}）。你{period}的影片額度也已用完，要到 {again} 才能再次生成影片。"
    ),
    "mod_blocked_until_budget": (
        "管理員已禁止你在本伺服器生成影片，直到 {until}（原因：{reason}）。本伺服器本月的影片預算也已用完，"
        "{again} 可以再次生成影片，或者等管理員提高預算。"
    ),
    "mod_blocked_until_cooldown": (
        "管理員已禁止你在本伺服器生成影片，直到 {until}（原因：{reason}）。"
        "加上本伺服器兩次生成之間的等待時間，你的下一個影片可以在 {again} 開始。"
    ),
    "mod_quota_spent": (
        "你{period}的影片額度（{limit}）已用完，因此這次沒有生成影片，也沒有計入額度。額度將於 {reset}（{reset_at}）重置。"
    ),
    "mod_quota_spent_none_after": (
        "你{period}的影片額度（{limit}）已用完，因此這次沒有生成影片，也沒有計入額度。"
        "你的個人額度將於 {ends} 結束，之後在這裡沒有額度：如需更多，請聯絡管理員。"
    ),
    "mod_too_many_active": (
        "你已有 {active}正在生成，這裡同時最多允許 {limit} 個。請等其中一個完成後再試。"
    ),
    "mod_cooldown": "你在本伺服器生成影片的速度有點快。請稍等：{when} 可以開始下一個。",
    "mod_too_many_active_several": (
        "你已有 {active}正在生成，這裡同時最多允許 {limit} 個。請等其中 {finish} 個完成後再試。"
    ),
    "mod_too_many_active_personal": (
        "你已有 {active}正在生成，你的個人額度同時最多允許 {limit} 個。請等其中一個完成後再試。"
    ),
    "mod_too_many_active_several_personal": (
        "你已有 {active}正在生成，你的個人額度同時最多允許 {limit} 個。"
        "請等其中 {finish} 個完成後再試。"
    ),
    "mod_cooldown_none_after": (
        "你在本伺服器生成影片的速度有點快。你的個人額度將於 {ends} 結束，比兩次生成之間的等待時間"
        "結束得更早，之後在這裡沒有額度：如需更多，請聯絡管理員。"
    ),
    "mod_cooldown_own_ends": (
        "你在本伺服器生成影片的速度有點快。你的個人額度將於 {ends} 結束，比兩次生成之間的等待時間"
        "結束得更早；之後適用的額度{period}只有 {limit}，你已經用完，因此你的下一個影片可以在 {when} 開始。"
    ),
    "mod_budget_spent": (
        "本伺服器本月的影片預算已用完（已用 {used} / {budget} 點）。"
        "{reset} 可以再次生成影片，或者等管理員提高預算。"
    ),
    "mod_budget_spent_held": (
        "本伺服器本月的影片預算已用完（{used} / {budget} 點，"
        "已計入正在生成的影片的預計花費）。{reset} 可以再次生成影片；"
        "如果正在生成的影片花費比預計少、失敗或被取消，可以更早；或者等管理員提高預算。"
    ),
    "mod_budget_too_little": (
        "本伺服器本月的影片預算只剩 {left}，不夠最便宜的影片（{cheapest}）。"
        "{reset} 可以再次生成影片，或者等管理員提高預算。"
    ),
    "mod_budget_too_little_held": (
        "扣除正在生成的影片的預計花費後，本伺服器本月的影片預算只剩 {left}，"
        "不夠最便宜的影片（{cheapest}）。{reset} 可以再次生成影片；如果正在生成的影片花費比預計少、"
        "失敗或被取消，可以更早；或者等管理員提高預算。"
    ),
    "mod_budget_short": (
        "這個影片預計花費 {cost}，但扣除正在生成的影片的預計花費後，本伺服器本月的影片預算只剩 "
        "{left}。沒有計入額度。換成更短或解析度更低的影片也許夠用；預算將於 {reset} 重置。"
    ),
    "mod_budget_short_reference": (
        "這個影片預計花費 {cost}，但扣除正在生成的影片的預計花費後，本伺服器本月的影片預算只剩 "
        "{left}。沒有計入額度。換成解析度更低的影片，或不用參考影片的更短影片，也許夠用；預算將於 "
        "{reset} 重置。"
    ),
    "mod_period_day": "日",
    "mod_period_week": "週",
    "mod_period_month": "月",
    "mod_this_day": "今天",
    "mod_this_week": "本週",
    "mod_this_month": "本月",
    # /videos quota
    "quota_whose_server": "依 {server} 的規則：",
    "quota_whose_this_server": "依本伺服器的規則：",
    "quota_whose_personal": "你的個人額度（用於私訊、群組私訊和未新增本機器人的伺服器）：",
    "quota_left": "你{period}還可以生成 **{left}**（共 {limit} 個）。額度將於 {reset}（{reset_at}）重置。",
    "quota_left_none_after": (
        "你{period}還可以生成 **{left}**（共 {limit} 個）。你的個人額度將於 {ends} 結束，之後在這裡沒有額度。"
    ),
    "quota_own_ends": "你的個人額度將於 {ends} 結束；之後你{period}還可以生成 **{left}**（共 {limit} 個）。",
    "quota_active": "正在生成：{active}（同時最多 {limit} 個）。",
    "quota_cooldown": "你的下一個影片可以在 {when} 開始。",
    "quota_reserved": "僅限其他身分組使用：{options}。如需使用，請聯絡管理員。",
    "quota_reserved_reference": "僅限其他身分組使用：{options}，因此也不能使用參考影片（參考影片決定成片時長，最長可達 {length}）。如需使用，請聯絡管理員。",
    "quota_channels": "可以生成影片的頻道：{channels}（包括其中的討論串和論壇貼文）。",
    # /videomod: who may use it
    "mod_not_allowed": (
        "只有擁有「管理伺服器」權限或管理員身分組的成員才能使用 {/videomod}，因此沒有做任何更改。"
        "如需使用，請聯絡伺服器管理員。"
    ),
    "mod_needs_manage_server": (
        "只有擁有「管理伺服器」權限的成員才能設定管理員身分組，因此沒有做任何更改。請讓伺服器管理員操作。"
    ),
    # /videomod limits show
    "mod_none": "無",
    "mod_show_limits": (
        "**額度：**每位成員每{period} {limit}，於{starts}重置；本週期於 {reset}（{reset_at}）結束。"
        "每位成員同時最多 {max_active} 個，兩個影片之間間隔 {cooldown}。"
    ),
    "mod_show_limits_everyone": (
        "**額度：**每位成員每{period} {limit}（設定在 @everyone 上：除非身分組或成員自己的額度另有規定，"
        "每位成員都按它計算；設定期間，伺服器預設的 {default}不適用於任何人，對 @everyone 使用 "
        "{/videomod role clear} 即可恢復預設），於{starts}重置；本週期於 {reset}（{reset_at}）結束。"
        "每位成員同時最多 {max_active} 個，兩個影片之間間隔 {cooldown}。"
    ),
    "mod_reset_day": "每天 UTC {hour}:00 ",
    "mod_reset_week": "每{weekday} UTC {hour}:00 ",
    "mod_reset_month": "每月 1 日 UTC {hour}:00 ",
    "weekday_0": "週一",
    "weekday_1": "週二",
    "weekday_2": "週三",
    "weekday_3": "週四",
    "weekday_4": "週五",
    "weekday_5": "週六",
    "weekday_6": "週日",
    "mod_show_roles": "**身分組額度：**{items}",
    "mod_show_roles_header": "**身分組額度：**",
    "mod_role_limit_item": "- {role}：{videos}",
    "mod_role_limit_blocked": "- {role}：禁止生成（0 個影片，無論其他身分組的額度如何）",
    "mod_show_members": "**成員額度：**",
    "mod_show_no_members": "**成員額度：**無",
    "mod_override_item": "- {member}：{videos}（原因：{reason}）",
    "mod_override_blocked": "禁止生成",
    "cooldown_none": "0 秒（無需等待）",
    "mod_override_item_until": "- {member}：{videos}，直到 {until}（原因：{reason}）",
    "mod_more": "……還有 {count} 條。",
    "mod_more_not_shown": "……{lines}未顯示。",
    "mod_show_options": "**限定選項：**{items}",
    "mod_option_item": "{option} → {roles}",
    "option_value": "{value}",
    "mod_show_channels": "**頻道：**僅限 {items}（包括其中的討論串和論壇貼文）",
    "mod_show_all_channels": "**頻道：**全部",
    "mod_show_budget": "**每月預算：**已用 {used} / {budget} 點；本月 {reset} 結束。",
    "mod_show_budget_held": (
        "**每月預算：**已用 {used} / {budget} 點，"
        "另有 {held} 點預留給尚未結算的影片（正在生成的，以及提交後沒有收到回覆的）；"
        "本月 {reset} 結束。"
    ),
    "mod_show_no_budget": "**每月預算：**無（本月已用 {used}；見 `{/videomod budget}`）。",
    "mod_show_words": "**禁用詞：**{count} 個（用 `{/videomod words list}` 檢視）。",
    "mod_show_modlog": "**管理日誌頻道：**{channel}",
    "mod_show_modrole": "**管理員身分組：**{role}",
    "mod_show_no_modlog": (
        "**管理日誌頻道：**無，更改、被拒絕的提示詞和警報都不會發布（見 `{/videomod modlog}`）。"
    ),
    "mod_show_no_modrole": (
        "**管理員身分組：**無，只有擁有「管理伺服器」權限的成員可以管理（見 `{/videomod modrole}`）。"
    ),
    "mod_show_paused": "**已暫停：**影片服務的餘額已用完。請儲值後執行 `{/videomod resume}`。",
    "mod_show_bans_unheard": (
        "**伺服器停權：**機器人的身分組既沒有「檢視審核日誌」權限，也沒有將成員停權的權限，"
        "所以 Discord 不會告知它任何停權，被停權成員的影片仍會繼續生成"
        "（請為它的身分組授予「檢視審核日誌」權限，或使用 `{/videomod block}`）。"
    ),
    # /videomod usage, jobs, audit, words list
    "mod_usage_empty": "{period}還沒有人生成影片。",
    "mod_usage_title": "**{period}用量最多的成員**（自 {start} 起）：",
    "mod_usage_line": "{rank}. {member}：{jobs}，{credits}",
    "mod_usage_more": "{members}：{/videomod usage} `{opt_page}:{next}`",
    "mod_usage_no_page": "沒有第 {page} 頁：最後一頁是第 {last} 頁。",
    "mod_usage_beyond": "{members}排名在以上成員之後，第 {last} 頁之後不再列出：{/videomod usage} 加 `{opt_member}` 可檢視其中任一成員。",
    "mod_member_usage": (
        "{member} {period}已用 {used} / {limit}（{source}），{credits}；本週期 {reset} 結束。"
    ),
    "mod_member_usage_over": (
        "{member} {period}已生成 {used}，超過了現在的額度 {limit}（{source}）：額度是在這些影片生成後才調低的，"
        "所以本週期結束（{reset}）前不能再生成。已花費 {credits}。"
    ),
    "mod_member_usage_until": (
        "{member} {period}已用 {used} / {limit}（{source}），{credits}；這個額度 {ends} 結束，"
        "{again} 可以再生成（本週期 {reset} 結束）。"
    ),
    "mod_member_usage_over_cooldown": (
        "{member} {period}已生成 {used}，超過了現在的額度 {limit}（{source}）：額度是在這些影片生成後才調低的，"
        "所以本週期結束（{reset}）前不能再生成；加上兩次生成之間的等待時間，下一個影片可以在 {again} 開始。"
        "已花費 {credits}。"
    ),
    "mod_member_usage_spent_cooldown": (
        "{member} {period}已用 {used} / {limit}（{source}），{credits}；本週期 {reset} 結束，"
        "但加上兩次生成之間的等待時間，下一個影片可以在 {again} 開始。"
    ),
    "mod_member_usage_over_until": (
        "{member} {period}已生成 {used}，超過了現在的額度 {limit}（{source}），"
        "所以 {again} 前不能再生成（這個額度 {ends} 結束，本週期 {reset} 結束）。已花費 {credits}。"
    ),
    "mod_member_usage_none_after": (
        "{member} {period}已生成 {used}，額度為 {limit}（{source}），{credits}；這個額度 {ends} 結束，"
        "之後在這裡沒有額度，所以不能再生成。"
    ),
    "mod_member_usage_none": "{member} {period}已生成 {used}，{credits}，現在不能生成影片：{why}。",
    "mod_member_blocked": "已被管理員禁止生成影片（原因：{reason}）",
    "mod_member_blocked_until": "已被管理員禁止生成影片，直到 {until}（原因：{reason}）",
    "mod_member_blocked_until_budget": (
        "已被管理員禁止生成影片，直到 {until}（原因：{reason}），且本伺服器本月的預算已用完，"
        "{again} 才能再次生成影片，除非管理員提高預算"
    ),
    "mod_member_blocked_until_cooldown": (
        "已被管理員禁止生成影片，直到 {until}（原因：{reason}），加上兩次生成之間的等待時間，"
        "下一個影片可以在 {again} 開始"
    ),
    "mod_member_blocked_until_spent": (
        "已被管理員禁止生成影片，直到 {until}（原因：{reason}），且其{period}的影片額度已用完，要到 {again} 才能再次生成"
    ),
    "mod_member_none_limit": "其{source}為 0 個影片",
    "mod_source_default": "伺服器預設額度",
    "mod_source_role": "身分組額度",
    "mod_source_member": "個人額度",
    "mod_job_line": "`#{job_id}` {created} {member}：{state}，{credits}，{prompt}",
    "mod_job_line_no_cost": "`#{job_id}` {created} {member}：{state}，{prompt}",
    "mod_job_line_unreported": "`#{job_id}` {created} {member}：{state}，約 {credits}（APIMart 未報告），{prompt}",
    "mod_job_line_unreported_up_to": (
        "`#{job_id}` {created} {member}：{state}，最多 {credits}（APIMart 未報告），{prompt}"
    ),
    "mod_job_line_expected": "`#{job_id}` {created} {member}：{state}，預計花費約 {credits}，{prompt}",
    "mod_job_line_expected_up_to": (
        "`#{job_id}` {created} {member}：{state}，預計花費最多 {credits}，{prompt}"
    ),
    "mod_job_prompt_hidden": "*（提示詞已隱藏：在你無法檢視的頻道中生成）*",
    "mod_jobs_empty": "還沒有任務。",
    "mod_audit_line": "{when}：{change}",
    "mod_audit_empty": "還沒有管理員更改記錄。",
    "mod_audit_member_empty": "沒有由 {member} 做出或與其有關的更改記錄。",
    "mod_audit_page": "**管理員更改，第 {page} 頁**（最新的在前）：",
    "mod_audit_member": "**由 {member} 做出或與其有關的更改**（最新的在前）：",
    "mod_audit_member_page": "**由 {member} 做出或與其有關的更改，第 {page} 頁**（最新的在前）：",
    "mod_audit_older": "更早的更改：{/videomod audit} `{opt_page}:{next}`",
    "mod_audit_older_member": "更早的更改：{/videomod audit}，`{opt_member}` 選 {member}，`{opt_page}:{next}`",
    "mod_audit_no_page": "沒有第 {page} 頁：最早的更改在第 {last} 頁。",
    "mod_audit_beyond": "第 {last} 頁之後更早的更改不再列出：{/videomod audit} 加 `{opt_member}` 可單獨列出某位成員的更改。",
    "mod_audit_beyond_member": "第 {last} 頁之後由 {member} 做出或與其有關的更早更改不再列出。",
    "mod_words_list": "**禁用詞（{count} 個）：**",
    "mod_words_list_page": "**禁用詞（{count} 個），第 {page} 頁：**",
    "mod_words_more": "更多禁用詞：{/videomod words list} `{opt_page}:{next}`",
    "mod_words_beyond": "第 {last} 頁之後還有更多禁用詞，不再列出：{/videomod words remove} 輸入詞語本身即可移除其中任一個。",
    "mod_words_item": "- `{pattern}`",
    "mod_words_empty": "還沒有禁用詞。可用 `{/videomod words add}` 新增。",
    # /videomod: answers when nothing changes
    "mod_nothing_given": "沒有提供任何選項，因此沒有做任何更改。請至少選擇一個選項，或用 `{/videomod limits show}` 檢視目前額度。",
    "mod_policy_unchanged": "目前設定已經是這樣，因此沒有做任何更改。`{/videomod limits show}` 會列出所有規則。",
    "mod_credits_too_small": "最小值為 {smallest} 點，因此沒有做任何更改。輸入 0 可將其關閉。",
    "mod_bad_pattern": (
        "`{pattern}` 不能用作禁用詞，因此沒有做任何更改。請使用不超過 {limit} 個字元的詞或短語，"
        "* 只能放在開頭或結尾（例如 `gore*`）。"
    ),
    "mod_word_too_long": "`{pattern}` 超過 {limit} 個字元（禁用詞或短語的上限），因此沒有做任何更改。",
    "mod_word_too_long_folded": (
        "`{pattern}` 在統一大小寫和特殊字母後（`ß` 計為 `ss`）共有 {length} 個字元，"
        "超過禁用詞或短語的上限 {limit} 個字元，因此沒有做任何更改。"
    ),
    "mod_word_exists": "`{pattern}` 已經是禁用詞，因此沒有做任何更改。",
    "mod_word_missing": "`{pattern}` 不在列表中，因此沒有做任何更改。可用 `{/videomod words list}` 檢視列表。",
    "mod_role_no_limit": "{role} 沒有單獨的額度，因此沒有做任何更改。",
    "mod_member_no_limit": "{member} 沒有個人額度或封鎖，因此沒有做任何更改。",
    "mod_member_owner_blocked": (
        "{member} 已被機器人營運者在所有伺服器中禁止（原因：{reason}），無論本伺服器如何設定都無法生成影片；"
        "只有營運者可以解除。"
    ),
    "mod_member_not_blocked": (
        "{member} 沒有被封鎖：該成員有自己的額度，會保留（{/videomod member clear} 可移除），"
        "因此沒有做任何更改。"
    ),
    "mod_member_still_none": "{member} 仍然不能在這裡生成影片：其{source}為 0 個影片。",
    "mod_member_already_blocked": (
        "{member} 已經被封鎖，沒有結束時間，原因相同（{reason}），因此沒有做任何更改。"
    ),
    "mod_member_already_limit": (
        "{member} 已經有每週期 {videos} 的個人額度，沒有結束時間，原因相同（{reason}），"
        "因此沒有做任何更改。"
    ),
    "mod_option_not_reserved": "{option} 沒有限定給任何身分組，因此沒有做任何更改。",
    "mod_option_not_reserved_for_role": "{option} 沒有限定給 {role}，因此沒有做任何更改。",
    "mod_option_already_reserved": "{role} 已經可以使用 {option}，因此沒有做任何更改。",
    "mod_option_everyone": "每個成員都有 @everyone，把 {option} 限定給它不會限制任何人，因此沒有做任何更改。要讓所有成員都能使用 {option}，請使用 {/videomod options open}，不選身分組；要限定它，請選擇只有部分成員擁有的身分組。",
    "mod_channel_already": "{channel} 已經允許生成影片，因此沒有做任何更改。",
    "mod_channel_not_listed": "{channel} 不在列表中，因此沒有做任何更改。可用 `{/videomod limits show}` 檢視列表。",
    "mod_channels_already_all": "所有頻道都已允許生成影片，沒有做任何更改。",
    "mod_job_not_found": "本伺服器沒有任務 #{job_id}。請用 `{/videomod jobs}` 核對編號。",
    "mod_job_not_cancellable": "任務 #{job_id} 目前狀態為「{state}」，已無法取消。",
    "mod_job_not_cancellable_unknown": "任務 #{job_id} 已無法取消：它可能已送達影片服務，但無法確定。",
    "mod_not_paused": "影片生成沒有暫停，無需恢復。",
    "mod_modlog_cannot_post": (
        "我無法在 {channel} 傳送訊息，因此沒有更改管理日誌頻道：我在那裡需要以下權限：{missing}。"
        "請在該頻道為我授予{them}（或選擇其他頻道）後再試。"
    ),
    "mod_channel_cannot_post": (
        "我無法在 {channel} 發布影片，因此沒有把它加入列表，也沒有做任何更改。"
        "我需要在該頻道擁有以下權限：{missing}。請在該頻道為我授予{them}後再試。"
    ),
    # Changes: the moderator's confirmation, the audit trail and the mod-log
    "change_limits": (
        "{moderator} 設定了額度：每位成員每{period} {limit}（下次重置 {reset_at}），"
        "同時最多 {max_active} 個，兩個影片之間間隔 {cooldown}。"
    ),
    "change_limits_with_slots": "{limits}{slots}",
    "change_limits_everyone_instead": (
        "{limits}（@everyone 有自己的額度（{videos}），成員實際按它計算：可用 {/videomod role set} 修改，"
        "或用 {/videomod role clear} 移除。）"
    ),
    "change_limits_weekday_unused": (
        "{limits}（「重置星期」只在週期為「週」時生效：以後把週期改為「週」時才會用到。）"
    ),
    "mod_slots": "本伺服器同時最多生成 {limit} 個影片，其餘的排隊等待。",
    "mod_slots_one": "本伺服器同時只生成 1 個影片，其餘的排隊等待。",
    "mod_slots_none": "本伺服器不限制同時生成的影片數量。",
    "change_role_limit": "{moderator} 將 {role} 的額度設為每週期 {videos}。",
    "change_role_blocked": (
        "{moderator} 將 {role} 的額度設為每週期 0 個影片：擁有該身分組的成員無論其他身分組的額度"
        "如何都不能生成影片（成員的個人額度仍然優先）。"
    ),
    "change_role_cleared": "{moderator} 移除了 {role} 的額度；該身分組改用預設額度。",
    "change_role_deleted": "身分組 {role} 已在 Discord 中被刪除，它的額度（每週期 {videos}）不再適用於任何人，已移除。",
    "role_deleted_options_also": "它也是唯一可以使用 {options} 的身分組，所以現在沒有成員能使用：{/videomod options restrict} 可以允許其他身分組，{/videomod options open} 可以向所有人開放。",
    "change_role_deleted_options": "身分組 {role} 已在 Discord 中被刪除。只有它可以使用 {options}，所以現在沒有成員能使用：{/videomod options restrict} 可以允許其他身分組，{/videomod options open} 可以向所有人開放。",
    "change_member_limit": "{moderator} 將 {member} 的額度設為每週期 {videos}（原因：{reason}）。",
    "change_member_limit_until": (
        "{moderator} 將 {member} 的額度設為每週期 {videos}，直到 {until}（原因：{reason}）。"
    ),
    "change_member_blocked": "{moderator} 禁止 {member} 生成影片（原因：{reason}）。",
    "change_and_replaced": "{change}{replaced}",
    "member_replaced_allowance": "這會取代其原有的個人額度（{videos}），該額度不會自動恢復，結束後請重新設定。",
    "member_replaced_block": "這會解除其封鎖。",
    "change_member_blocked_until": "{moderator} 禁止 {member} 生成影片，直到 {until}（原因：{reason}）。",
    "change_member_cleared": "{moderator} 移除了 {member} 的個人額度；改用通常的額度。",
    "change_member_unblocked": "{moderator} 解除了對 {member} 的封鎖。",
    "change_option_reserved": "{moderator} 將 {option} 限定給 {role}。",
    "change_option_role_removed": "{moderator} 將 {role} 從可使用 {option} 的身分組中移除。",
    "change_option_opened": "{moderator} 向所有人開放了 {option}。",
    "change_channel_added": "{moderator} 允許在 {channel} 生成影片。",
    "change_forum_added": "{moderator} 允許在論壇 {channel} 及其中的每個貼文生成影片。",
    "change_channel_removed": "{moderator} 不再允許在 {channel} 生成影片。",
    "change_channel_removed_last": "{moderator} 移除了最後一個列出的頻道 {channel}：所有頻道都可以再次生成影片。",
    "change_channels_all": "{moderator} 重新允許在所有頻道生成影片。",
    "change_channel_deleted": "頻道 {channel} 已在 Discord 中被刪除，因此已從允許生成影片的列表中移除。",
    "change_channel_deleted_last": (
        "頻道 {channel} 已在 Discord 中被刪除。它是列表中的最後一個頻道，因此所有頻道都可以再次生成影片。"
    ),
    "change_budget": "{moderator} 將每月預算設為 {budget} 點。",
    "change_budget_amount": "{moderator} 將每月預算設為 {budget}。",
    "change_budget_removed": "{moderator} 移除了每月預算。",
    "change_word_added": "{moderator} 在提示詞中禁用了 `{pattern}`。",
    "change_word_removed": "{moderator} 解除了對 `{pattern}` 的禁用。",
    "change_modlog": "{moderator} 將管理日誌頻道設為 {channel}。",
    "change_modlog_off": "{moderator} 關閉了管理日誌。",
    "change_modrole": "{moderator} 將管理員身分組設為 {role}。",
    "change_modrole_off": "{moderator} 移除了管理員身分組。",
    "change_with_reason": "{change}（原因：{reason}）",
    "change_job_cancelled": "{moderator} 取消了 {member} 的任務 #{job_id}。它從未傳送給影片服務，所以不計入該成員的額度。",
    "change_job_cancelled_counted": (
        "{moderator} 取消了 {member} 的任務 #{job_id}：影片不會發布，但它已經開始生成，"
        "所以仍計入該成員的額度和伺服器預算。"
    ),
    "change_job_cancelled_when_sent": "{moderator} 取消了 {member} 的任務 #{job_id}：影片不會發布。取消時它正在傳送給影片服務：如果已經送達，仍計入該成員的額度和伺服器預算；否則不計入。",
    "change_job_cancelled_withheld": "{moderator} 取消了 {member} 的任務 #{job_id}：影片已生成但尚未發布，不會再發布；由於它已經生成，仍計入該成員的額度和伺服器預算。",
    "change_member_banned_cancelled": "{member} 已被伺服器停權。{cancelled}",
    "change_operator_block_cancelled": "機器人營運者禁止 {member} 在任何地方生成影片（原因：{reason}）。{cancelled}",
    "sentences": "{first}{then}",
    "mod_block_cancelled_refunded": "{member} 等待中的任務已取消；它們從未傳送，所以不計入額度：{jobs}。",
    "mod_block_cancelled_counted": "{member} 生成中的任務已取消，影片不會發布；由於它們已經開始生成，仍計入額度：{jobs}。",
    "mod_block_cancelled_when_sent": "{member} 正在傳送的任務已取消：在到達影片服務之前停下的不計入額度；已經到達的不會發布影片，但仍計入額度：{jobs}。",
    "mod_block_cancelled_withheld": "{member} 已生成但尚未發布的影片已取消，不會發布；由於它們已經生成，仍計入額度：{jobs}。",
    "blocked_see_quota": (
        "你現在不能在這裡生成影片：用 {/videos quota} 檢視原因（只有你能看到回答）。"
        "（這則提示一分鐘後會自動刪除。）"
    ),
    "mod_modrole_everyone": "@everyone 不能作為管理員身分組：那會讓每個成員都能修改這些規則。請選擇只有管理員擁有的身分組。",
    "mod_modrole_managed": "{role} 屬於某個應用程式或整合，無法指派給成員。請選擇你的管理員擁有的身分組。",
    "change_resumed": "{moderator} 恢復了影片生成。",
    "change_result_deleted": "{moderator} 刪除了 {member} 的影片（任務 #{job_id}）。",
    "change_result_deleted_notice": "{moderator} 刪除了機器人關於 {member} 的任務 #{job_id} 的訊息。",
    "change_result_deleted_unknown": "{moderator} 刪除了機器人關於任務 #{job_id} 的訊息。",
    # Mod-log events
    "mod_outranked_owner": "你不能對 {member} 執行管理操作：對方是這個伺服器的擁有者。",
    "mod_outranked_role": (
        "你不能對 {member} 執行管理操作：對方的最高身分組不低於你的。請找身分組更高的人，或擁有「管理員」權限的人。"
    ),
    "mod_outranked_role_allowance": (
        "你不能變更 {role} 的額度：它不低於你的最高身分組。請找身分組更高的人，或擁有「管理員」權限的人。"
    ),
    "mod_outranked_role_options": (
        "你不能變更 {role} 可使用的解析度和時長：它不低於你的最高身分組。請找身分組更高的人，或擁有「管理員」權限的人。"
    ),
    "mod_ranks_unreadable": (
        "我無法在這裡比較你和其他人的身分組：這個伺服器只加入了我的指令，沒有加入機器人本身，所以我讀取不到它的身分組。請找擁有「管理員」權限的人或伺服器擁有者，或把機器人加入伺服器。"
    ),
    "modlog_banned_prompt": "🚫 拒絕了 {member} 在 {channel} 的提示詞：符合 `{pattern}`。\n{prompt}",
    "modlog_banned_prompt_more": "{refused}\n➕ 自上一則關於該成員的記錄以來，{tries}（未逐則傳送）。",
    "modlog_paused": (
        "⚠️ 影片服務提示帳戶已沒有餘額（HTTP 402），所有人的新影片已暫停。"
        "請為 APIMart 帳戶儲值，然後執行 `{/videomod resume}`。"
    ),
    "modlog_resumed": "✅ 一位管理員為所有人恢復了影片生成（`{/videomod resume}`）。",
    "modlog_operator_resumed": "✅ 機器人營運者為所有人恢復了影片生成。",
    "modlog_auto_resumed": "✅ 影片服務再次接受了影片，生成已自動恢復。",
}

# Traditional Chinese names and descriptions of /videomod and /videos quota, keyed by the English in the
# code; merged into `bot.locales.commands.ZH_TW_COMMANDS` (entries there win on a clash).
ZH_TW_COMMANDS: dict[str, str] = {
    # /videos quota
    "quota": "額度",
    "How many videos you have left": "你還能生成多少個影片",
    # /videomod and its groups
    "videomod": "影片管理",
    "Moderate video making: limits, blocks, budget and banned words": "管理影片生成：額度、封鎖、預算和禁用詞",
    "limits": "額度",
    "Videos per member and period": "每位成員每個週期的影片數",
    "role": "身分組",
    "Allowances for a role": "身分組的額度",
    "member": "成員",
    "Allowances for one member": "單個成員的額度",
    "options": "選項",
    "Resolutions and lengths by role": "按身分組限定解析度和時長",
    "channels": "頻道",
    "Where videos may be made": "可以生成影片的頻道",
    "words": "禁用詞",
    "Words refused in prompts": "提示詞中禁止的詞語",
    # Subcommands
    "show": "檢視",
    "Show every rule of this server": "檢視本伺服器的全部規則",
    "set": "設定",
    "Change the default allowance and its period": "修改預設額度及其週期",
    "Give a role its own allowance per period": "為身分組設定單獨的每週期額度",
    "clear": "清除",
    "Make a role follow the default allowance again": "讓身分組恢復使用預設額度",
    "Give one member their own allowance per period": "為單個成員設定單獨的每週期額度",
    "Remove a member's own allowance or block": "移除成員的個人額度或封鎖",
    "restrict": "限定",
    "Reserve a resolution or length for a role": "將某個解析度或時長限定給身分組",
    "open": "開放",
    "Let a role, or everyone, use an option again": "重新允許某個身分組或所有人使用某個選項",
    "add": "新增",
    "Allow videos in a channel (then only listed ones)": "允許在某個頻道生成影片（之後僅限列出的頻道）",
    "remove": "移除",
    "Stop allowing videos in a listed channel": "不再允許在列出的頻道生成影片",
    "all": "全部",
    "Allow videos in every channel again": "重新允許在所有頻道生成影片",
    "Refuse prompts containing a word or phrase": "拒絕包含某個詞或短語的提示詞",
    "Allow a banned word or phrase again": "解除對某個詞或短語的禁用",
    "list": "列表",
    "Show the banned words and phrases": "檢視禁用的詞和短語",
    "block": "封鎖",
    "Stop a member from making videos": "禁止成員生成影片",
    "unblock": "解除封鎖",
    "Let a blocked member make videos again": "允許被封鎖的成員再次生成影片",
    "budget": "預算",
    "Credits this server may spend per month": "本伺服器每月可使用的點數",
    "usage": "用量",
    "Top members this period, or one member": "本週期用量最多的成員，或單個成員的用量",
    "jobs": "任務列表",
    "Recent jobs in this server and their state": "本伺服器最近的任務及其狀態",
    "Cancel a member's unfinished job": "取消成員未完成的任務",
    "audit": "審核",
    "Recent moderator changes": "最近的管理員更改",
    "resume": "恢復",
    "Resume videos after the balance is topped up": "儲值後恢復影片生成",
    "modlog": "管理日誌",
    "Where changes and alerts are posted": "發布更改和警報的頻道",
    "modrole": "管理員身分組",
    "A role that may use /videomod": "可以使用 /影片管理 的身分組",
    # Options
    "allowance": "額度",
    "Videos per member per period (0 blocks all without a role or member limit)": "每位成員每週期的影片數（0 表示封鎖沒有身分組或成員額度的所有人）",
    "period": "週期",
    "How often allowances start again": "額度多久重置一次",
    "reset_hour": "重置小時",
    "The UTC hour (0-23) at which a period starts": "週期開始的 UTC 小時（0-23）",
    "reset_weekday": "重置星期",
    "The weekday a weekly period starts on": "按週計算時週期開始的星期",
    "max_active": "同時上限",
    "server_at_once": "伺服器同時上限",
    "Videos of this server rendering at once; the rest wait in line (0: no limit)": (
        "本伺服器同時生成的影片數；其餘的排隊等待（0 表示不限制）"
    ),
    "Unfinished videos a member may have at once": "每位成員同時可以有多少個未完成的影片",
    "cooldown": "冷卻",
    "Seconds a member must wait between videos": "兩個影片之間需要等待的秒數",
    "The role": "身分組",
    "Videos per period for members with it (0 blocks them)": "擁有該身分組的成員每週期的影片數（0 表示封鎖）",
    "The member": "成員",
    "Videos per period (0 blocks them)": "每週期的影片數（0 表示封鎖）",
    "reason": "原因",
    "Why (kept in the audit trail; shown to them when the allowance is 0)": (
        "原因（記錄在審核日誌中；額度為 0 時會告訴該成員）"
    ),
    "Why (shown to them and kept in the audit trail)": "原因（會告訴該成員並記錄在審核日誌中）",
    "Why (kept in the audit trail and shown in the mod-log)": "原因（記錄在審核日誌中並顯示在管理日誌頻道）",
    "days": "天數",
    "How many days it lasts (leave out for no end)": "持續多少天（不填表示永久）",
    "option": "選項",
    "The resolution or length": "解析度或時長",
    "A role that may use it": "可以使用它的身分組",
    "Only this role (leave out to open it to all)": "僅此身分組（不填表示向所有人開放）",
    "channel": "頻道",
    "A channel, voice channel, thread or forum (its threads and posts follow it)": (
        "頻道、語音頻道、討論串或論壇（其中的討論串和貼文同樣適用）"
    ),
    "pattern": "詞語",
    "A word or phrase; * at the start or end matches more": "一個詞或短語；開頭或結尾的 * 可比對更多",
    "The word or phrase, as listed": "列表中顯示的詞或短語",
    "credits": "點數",
    "Credits per calendar month (UTC); 0 removes the budget": "每個自然月（UTC）的點數；0 表示取消預算",
    "One member's standing and recent jobs": "單個成員的用量和最近的任務",
    "Only this member's jobs": "只看這個成員的任務",
    "Only changes by or about this member": "只看由這個成員做出或與其有關的更改",
    "page": "頁碼",
    "1 for the newest changes, 2 for older ones, and so on": "1 為最新的更改，2 為更早的，依此類推",
    "1 for the top members, 2 for the next ones, and so on": "1 為用量最多的成員，2 為之後的，依此類推",
    "1 for the first words, 2 for the next ones, and so on": "1 為最前面的詞，2 為之後的，依此類推",
    "The job number, e.g. 12 (see /videomod jobs)": "任務編號，例如 12（見 /影片管理 任務列表）",
    "The mod-log channel (leave out to turn it off)": "管理日誌頻道（不填表示關閉）",
    "The moderator role (leave out to remove it)": "管理員身分組（不填表示移除）",
    # Choices
    "Day": "日",
    "Week": "週",
    "Month": "月",
    "Monday": "星期一",
    "Tuesday": "星期二",
    "Wednesday": "星期三",
    "Thursday": "星期四",
    "Friday": "星期五",
    "Saturday": "星期六",
    "Sunday": "星期日",
    "Resolution 720p": "解析度 720p",
    "Resolution 1080p": "解析度 1080p",
    "Resolution 4K": "解析度 4K",
    "Duration 4s": "時長 4 秒",
    "Duration 6s": "時長 6 秒",
    "Duration 8s": "時長 8 秒",
    "Duration 10s": "時長 10 秒",
}
