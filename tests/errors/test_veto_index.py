"""The learner's split veto (errors/veto_index.py) says exactly what `slots.fixed_veto` says, and the
template half kept on a `Template` follows its tokens when the template widens: no grouping changes.

Pairs come from test_fixed_veto's generator (every token class `similarity` treats apart); streams are
generated from a seeded pool of constant words, verb forms, ALL-CAPS states, failure words and values,
so templates widen (positional word slots) and later messages hit the widened positions.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings

from sidecar.errors.fixed_veto import fixed_veto
from sidecar.errors.templates import TemplateLearner
from sidecar.errors.veto_index import message_codes, veto_positions, vetoed
from tests.errors.test_fixed_veto import _pairs


@settings(max_examples=800, deadline=None)
@given(pair=_pairs(), other=_pairs())
def test_the_halves_give_fixed_vetos_verdict(pair: tuple[list[str], list[str]],
                                            other: tuple[list[str], list[str]]) -> None:
    """Also with the codes list already filled by another template of the same length first."""
    template, message = pair
    for word_from in (0, 1, 2, 3, 5):
        assert vetoed(veto_positions(template), message, message_codes(message), word_from) \
            == fixed_veto(template, message, word_from), (template, message, word_from)
        codes = message_codes(message)
        first = (other[0] * len(message))[:len(message)]
        vetoed(veto_positions(first), message, codes, word_from)
        assert vetoed(veto_positions(template), message, codes, word_from) \
            == fixed_veto(template, message, word_from), (first, template, message, word_from)


def test_both_verdicts_occur() -> None:
    """Not vacuous: a verb form against a plain word vetoes; the same word again does not."""
    template = "<*> worker sent alpha report to the scheduler".split()
    started = "<*> worker sent started report to the scheduler".split()
    assert vetoed(veto_positions(template), started, message_codes(started))
    assert not vetoed(veto_positions(template), template, message_codes(template))


def test_a_codes_list_kept_across_templates_gives_each_its_verdict() -> None:
    """One message's codes filled by one template's question and reused by the next (as the learner's
    scan does): each verdict is still `fixed_veto`'s."""
    templates = [s.split() for s in ("job alpha was started by the scheduler", "job alpha was paused by the scheduler",
                                     "NEW job RUNNING was paused by the cron", "job alpha was started by ROOT user")]
    for message in (s.split() for s in ("job gamma was rejected by the scheduler", "job alpha was started by GUEST user",
                                        "FAILED job RUNNING was paused by the cron")):
        for word_from in (0, 2, 4):
            codes = message_codes(message)
            for template in templates:
                assert vetoed(veto_positions(template), message, codes, word_from) \
                    == fixed_veto(template, message, word_from), (template, message, word_from)


_CONST = ("worker", "sent", "report", "to", "the", "scheduler", "queue", "disk", "cache", "for", "user", "state:")
_SLOT = ("alpha", "gamma", "delta", "started", "stopped", "RUNNING", "NEW", "failed", "timeout", "acme_corp",
         "<*>", "id=<*>", "...", "ROOT")


def _stream(seed: int, n: int = 400) -> list[str]:
    r = random.Random(seed)
    families = []
    for _ in range(6):
        words = [r.choice(_CONST) for _ in range(r.randint(4, 7))]
        for _ in range(r.randint(1, 2)):
            words[r.randrange(len(words))] = "{}"
        families.append(words)
    out = []
    for _ in range(n):
        fam = r.choice(families)
        out.append(" ".join(r.choice(_SLOT) if w == "{}" else w for w in fam))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_a_widened_template_is_vetoed_by_its_new_tokens(seed: int) -> None:
    """The same stream through a learner whose kept halves are dropped before every message (each
    recomputed from the tokens of that moment) and through a normal one: the same groups."""
    lines = _stream(seed)
    kept, fresh = TemplateLearner(cache_size=1), TemplateLearner(cache_size=1)
    widened = 0
    for k, line in enumerate(lines):
        for tpl in fresh._by_id.values():
            tpl.veto_of = None
        a = kept.learn(f"f{k}", "app", "error", line)
        b = fresh.learn(f"f{k}", "app", "error", line)
        assert (a.fingerprint, a.template) == (b.fingerprint, b.template), line
        widened += a.widened
    assert widened, "the stream must widen templates for this test to mean anything"
    kept_halves = [tpl for tpl in kept._by_id.values() if tpl.veto is not None]
    assert kept_halves, "some template must be scanned twice with one tokens list for the halves to be used"
    for tpl in kept_halves:
        assert tpl.veto_of is not None and tpl.veto == veto_positions(tpl.veto_of)
