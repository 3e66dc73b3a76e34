"""Round 8 part 1: the classes the gitleaks-shape generator lacked (tests/security/blindspot_gen.py; its docstring
says where the class list and each class's spellings come from: the round-7 note's list of what the blind set 9 hit,
and the carriers' own docs/RFCs). Seeds 300-305: not the seeds fixed on (0-3) nor the ones measured (100-103).

Each class is planted both ways: the SECRET side must not survive, the KEEP side (a lookalike in the same carrier)
must. What the redactor still misses by decision is excluded by a predicate that says so and is itself tested
(`_residual`), so a new miss of another shape fails."""

from __future__ import annotations

import random

import pytest

from sidecar.redaction import redact

from .blindspot_gen import CLASSES, plantings
from .secret_gen import leaked

SEEDS = range(300, 306)


def _residual(cls: str, text: str, value: str) -> bool:
    """The misses left on purpose (see the round-8 report), by shape:
    - a password of lowercase letters only (or a human one whose only symbol is a trailing `!`/`.`) after a phrase in
      Latin letters or after a CJK word with no particle (`访问令牌 <v> 已创建`): no test tells it from a word of the
      phrase or a user name without a dictionary;
    - a lowercase word in a plural name's list (`API_KEYS=<word>`, `{"tokens": ["<word>"]}`): plural names are read
      only where their elements look like values (a bare `tokens` list is a tokenizer's output as often).
    """
    core = value.rstrip("!.")
    letters_only = core.isalpha() and core.islower()
    # review r8: the excuse was wider than this docstring (any lowercase alphanumeric value, so hex keys and
    # lowercase+digit tokens, and anything next to 已创建): a 32-hex password after a French phrase leaked unseen
    human = value != core and core.isalnum() and core.islower()
    if cls == "foreign_phrase":
        return letters_only or human
    if cls == "list":
        return letters_only
    return False


# the misses the predicate hid (review r8), strict so that each fails the run once fixed
_HIDDEN = {("foreign_phrase", 303): "a 32-hex password after 'le mot de passe temporaire est' leaks"}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cls", sorted(CLASSES))
def test_a_blindspot_class_secret_goes(cls: str, seed: int, request: pytest.FixtureRequest) -> None:
    if (cls, seed) in _HIDDEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=_HIDDEN[(cls, seed)]))
    misses = [(t, redact(t)) for t, v in plantings(cls, seed, 30) if leaked(v, redact(t)) and not _residual(cls, t, v)]
    assert not misses, misses[:3]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cls", sorted(CLASSES))
def test_a_blindspot_class_lookalike_stays(cls: str, seed: int) -> None:
    lost = [redact(t) for t, v in plantings(cls, seed, 30, keep=True) if v not in redact(t)]
    assert not lost, lost[:3]


def test_the_residual_predicate_excuses_only_its_shapes() -> None:
    assert _residual("foreign_phrase", "la nueva contraseña es abcdefghij", "abcdefghij")
    assert not _residual("foreign_phrase", "la nueva contraseña es Ab3$xyz9Qw", "Ab3$xyz9Qw")
    assert not _residual("list", '{"api_keys": ["Ab3$xyz9Qw"]}', "Ab3$xyz9Qw")
    assert not _residual("jwk", "anything", "abcdefghij")
    assert _residual("foreign_phrase", "le mot de passe temporaire est winter7967!", "winter7967!")
    assert not _residual("foreign_phrase", "le mot de passe est 66321518643740e33220765950d891a6",
                         "66321518643740e33220765950d891a6")
    assert not _residual("foreign_phrase", "访问令牌 mWCO7Zn8XChQxQbXe3ry8 已创建", "mWCO7Zn8XChQxQbXe3ry8")


@pytest.mark.parametrize("seed", range(4))
def test_directive_arguments_go_and_prose_about_them_stays(seed: int) -> None:
    """redis.conf `requirepass`/`masterauth` and strongSwan ipsec.secrets(5) entries: the argument is the secret
    whatever its letters; a sentence about the directive, a placeholder and an empty value stay."""
    r = random.Random(seed)
    word = "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(6, 12)))
    for text in (f"requirepass {word}", f"CONFIG SET masterauth \"{word}\"", f': PSK "{word}"',
                 f'carol@strongswan.org : EAP carol "{word}"'):
        assert word not in redact(text), text
    for text in ("# requirepass is not set", "masterauth not configured", 'requirepass ""',
                 "requirepass ${REDIS_PASSWORD}", ": RSA /etc/ipsec.d/private/moonKey.pem"):
        assert redact(text) == text


def test_a_mnemonic_goes_a_seed_number_stays() -> None:
    """BIP-39: 12-24 words of the list are the wallet's key; `seed=42` is a random seed."""
    phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow"
    for text in (f"MNEMONIC={phrase}", f"seed phrase: {phrase}", f"wallet_seed = '{phrase}'"):
        assert "sausage" not in redact(text), text
    for text in ("seed=42 shuffle=True", "random_seed: 1234", "torch.manual_seed(7)"):
        assert redact(text) == text
