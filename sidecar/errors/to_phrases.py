"""Whether the word after `to` may be a value: an infinitive `to` opens the action, a goal `to` a destination.

`slots.py` never lets the word right after an infinitive `to` be a positional slot: `Failed to bind` /
`Failed to listen`, `trying to connect` / `trying to resolve` name two actions. Which `to` is an infinitive
is told by the word before it (English grammar: a catenative verb or adjective takes a `to`-infinitive
complement - `try`, `attempt`, `fail`, `need`, `want`, `unable`, `able`, `due`; Huddleston & Pullum, The
Cambridge Grammar of the English Language, ch. 14 "Non-finite and verbless clauses"). Until round 15 every
verb form before `to` counted as one (`[a-z]{2,}(?:ed|ing)`), so `Connecting to redis` / `Connecting to
postgres` - one `log.info("Connecting to {}", host)` - were two events while `Opened connection to host redis`
was one.

Class (round 15): verbs of MOTION and TRANSFER take a goal, not an infinitive: their `to` is the preposition
marking where something goes or who receives it (Levin, English Verb Classes and Alternations, 1993: "send"
verbs 11.1, "slide" 11.2, "bring and take" 11.3, "carry" 11.4, "verbs of sending and carrying"; "attach"
22.3 / "tape" 22.4; "communication" verbs 37 such as `reply to`, `respond to`). A log statement puts the
destination there as a value: a host, a peer, a topic, a queue, a node, a channel (`Connecting to {}`,
`Forwarding to %s`, `published to %s`, `subscribed to %s`, `Switched to %s`, `Redirecting to %s`). Only the
verb's `-ing` and `-ed` forms are listed (the forms the old rule caught); a base form before `to` was never
an infinitive opener here (`send to` / `connect to` were already slots).

A destination is a name, so after a `to` that is no infinitive (a goal verb's, or one after a noun or a value:
`request <*> to billing`) a word with a verb's suffix is a name too, not the verb
naming what happened: a gerund used as a service, queue or stage name (`Forwarding request to billing
backend` / `to shipping backend`, `published to pending`, `Switching to staging`); elsewhere `-ing`/`-ed`
words stay event words (`is running` / `is stopping`). A word naming a failure stays apart there as anywhere.

Left out on purpose (they stay infinitive-like, the word after them names a state or an action):
`changed to` / `set to` / `reset to` / `converted to` (the resulting state: a state in capitals stays apart
anyway), `stored to` / `saved to` (tests/errors/test_positional_slots.py keeps `stored to <medium>` two
events), `scheduled to` / `configured to` / `expected to` / `supposed to` (catenative: `configured to retry`); and
(review r15) the verbs that change a state or a list - `added to`, `moved to`, `assigned to`, `joined to`,
`reported to`, `written to`, `appended to`, `handed to`, `escalated to`, `migrated to`: `api key added to
blocklist` / `to allowlist` and `message moved to quarantine` / `to archive` are two statements, not one.
"""

from __future__ import annotations

import re

from .token_forms import _STRIP, names_failure

__all__ = ["VERB_FORM", "goal_to", "infinitive"]

# Words after which `to` opens an infinitive (besides failure words and verb forms: `Failed to`,
# `trying to`, `refused to`): the verb that follows names the action.
_TAKES_INFINITIVE = frozenset(
    "able unable about want wants need needs have has how what where when whether ought order going try tries "
    "attempt attempts due".split())
# English verb forms (`expired`, `revoked`, `starting`): a verb names what happened, not a value.
VERB_FORM = re.compile(r"[a-z]{2,}(?:ed|ing)\W*$")

# The `-ing` / `-ed` forms of goal-taking verbs of CONNECTING and DELIVERING (module docstring: Levin 11, 22,
# 37): a host, service, endpoint, peer, topic or queue follows their `to`. Verbs that change a state or a list
# (add, move, assign, join, report, write, append, hand, escalate, migrate) are left out (review r15): the word
# after their `to` is the statement's meaning (`added to blocklist` / `to allowlist`, `moved to quarantine` /
# `to archive`), not a value it prints. `switch` stays: a failover's `Switching to %s` names a node.
_GOAL_BASES = {
    # base: (-ing form, -ed form)
    "connect": ("connecting", "connected"), "reconnect": ("reconnecting", "reconnected"),
    "send": ("sending", ""), "resend": ("resending", ""), "forward": ("forwarding", "forwarded"),
    "redirect": ("redirecting", "redirected"), "upload": ("uploading", "uploaded"), "post": ("posting", "posted"),
    "publish": ("publishing", "published"), "subscribe": ("subscribing", "subscribed"),
    "listen": ("listening", "listened"), "bind": ("binding", ""), "attach": ("attaching", "attached"),
    "push": ("pushing", "pushed"), "route": ("routing", "routed"), "proxy": ("proxying", "proxied"),
    "deliver": ("delivering", "delivered"), "dispatch": ("dispatching", "dispatched"),
    "submit": ("submitting", "submitted"), "transfer": ("transferring", "transferred"),
    "deploy": ("deploying", "deployed"), "relay": ("relaying", "relayed"), "stream": ("streaming", "streamed"),
    "emit": ("emitting", "emitted"), "replicate": ("replicating", "replicated"),
    "broadcast": ("broadcasting", "broadcasted"), "reply": ("replying", "replied"),
    "respond": ("responding", "responded"), "delegate": ("delegating", "delegated"),
    "switch": ("switching", "switched"), "ship": ("shipping", "shipped"),
}
GOAL_FORMS = frozenset(f for forms in _GOAL_BASES.values() for f in forms if f)


def infinitive(before: str | None) -> bool:
    """Whether `to` after `before` opens an infinitive (`Failed to bind`, `trying to connect`, `unable
    to open`): the word before names a failure, is a verb form other than a goal-taking verb's, or takes
    an infinitive. Otherwise `to` opens a destination or a value (`channel to nobody`, `set to mallory`,
    `Connecting to redis`, `published to orders`)."""
    if before is None:
        return True
    word = before.strip(_STRIP).lower()
    if word in GOAL_FORMS:
        return False
    return word in _TAKES_INFINITIVE or bool(VERB_FORM.search(word)) or names_failure(word)


def goal_to(prev: str | None, before: str | None) -> bool:
    """Whether `prev` is a `to` that opens a destination, not an infinitive (`Connecting to`, `published
    to`, `request <*> to`, `channel to`): the word after it is a name even with a verb's suffix (`billing`,
    `staging`)."""
    return prev is not None and prev.lower() == "to" and not infinitive(before)
