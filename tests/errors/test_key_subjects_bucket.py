"""key_subjects.place joins a template of the form's own bucket only (review r17).

The index key is `bucket \\x1e Key: \\x1e rest`, and a logger may hold `\\x1e`: a key can name a template of another
bucket (another logger or level). across_counts.place_first checks `found.bucket != bucket`; place did not (fails on
main: it joined). Twin: the same entry asked from its own bucket is joined.
"""

from __future__ import annotations

import pytest

from sidecar.errors.key_subjects import Rest, note, place, subject_key
from sidecar.errors.template_model import Template
from sidecar.errors.templates import TemplateLearner


@pytest.mark.parametrize("key_word", ["UserName:", "TaskOwner:", "ResourceName:"])
def test_a_subject_key_entry_of_another_bucket_is_not_joined(key_word: str) -> None:
    ours = TemplateLearner.bucket("app.users", "INFO", 6)
    theirs = TemplateLearner.bucket("app\x1eother", "INFO", 6)
    first = [key_word, "alice", "logged", "in", "from", "web"]
    tpl = Template("fp-1", list(first), ours)
    key = subject_key(ours, first)
    assert key is not None
    index: dict[str, Rest] = {}
    note(index, key, tpl)
    note(index, key, Template("fp-2", [key_word, "bob", *first[2:]], ours))
    third = [key_word, "carol", *first[2:]]
    assert place(index, {"fp-1": tpl}, key, third, theirs) is None  # the key names another bucket's template
    assert place(index, {"fp-1": tpl}, key, third, ours) is tpl  # twin: its own bucket joins


@pytest.mark.parametrize("key_word", ["UserName:", "TaskOwner:", "ResourceName:"])
def test_a_joined_rest_template_is_decided(key_word: str) -> None:
    """Round 17 left the joined template's id in `_undecided`: the next line of its first word (a key's value
    met again) marked the rest as a raise site's (`Rest.repeated`). Twin: a word that came back BEFORE any
    join marks it, as key_subjects.repeat says."""
    learner = TemplateLearner()
    rest = ["logged", "in", "from", "the", "web", "console"]
    forms = {}
    for word in ("alice", "bob", "carol"):
        masked = " ".join([key_word, word, *rest])
        forms[word] = masked
        learner.learn("form-" + word, "app.users", "INFO", masked)
    key = subject_key(TemplateLearner.bucket("app.users", "INFO", 8), [key_word, "alice", *rest])
    assert key is not None
    joined = learner.learn("form-alice", "app.users", "INFO", forms["alice"])  # alice again, after the join
    assert joined.template == " ".join([key_word, "<*>", *rest])
    assert joined.fingerprint not in learner._undecided
    assert not learner._subjects[key].repeated

    twin = TemplateLearner()
    for word in ("alice", "alice", "bob"):
        twin.learn("form-" + word, "app.users", "INFO", " ".join([key_word, word, *rest]))
    assert twin._subjects[key].repeated
