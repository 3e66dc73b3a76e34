"""Texts judged again after a presentation layer is folded away: colours, compatibility and invisible characters,
homoglyphs. Each judge returns the text as written when the folded text holds no secret, and the folded text,
redacted, when it does (a mark cannot be put back between the original characters reliably).

Built around the redactor's own judge (`make_folds(judge)`), so this module holds what to fold and why, and
`__init__.py` only where the folds run in the rule order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# ECMA-48 SGR sequences (`ESC[36m`), raw or as JSON writes ESC (`\u001b[`): coloured console renderers (structlog's
# ConsoleRenderer, uvicorn's ColourizedFormatter) put them between a name and its value (CLASSES10.md A7). The text is
# judged without them; when that finds a secret, the text without colours is what is kept (the colours are
# presentation; a mark cannot be put back between them reliably).
SGR = re.compile(r"(?:\x1b|\\u001[bB]|\\x1[bB]|\\033)\[[0-9;]*m")
SGR_HINTS = ("\x1b[", "\\u001b[", "\\x1b[", "\\033[")

# CLASSES12.md B15, names spelled with compatibility or invisible characters or a pictograph: full-width `ｐａｓｓｗｏｒｄ＝`
# (U+FF01-FF5E), zero-width and soft-hyphen Cf characters inside a name (`pass\u200bword`), the KEY emoji labels
# (U+1F511, U+1F510, U+1F5DD, with or without the U+FE0F variation selector). Judged after NFKC (UAX #15 folds the
# compatibility forms), with the Cf characters removed and a key emoji read as the word `secret` (a bare `key=` is too
# common a name to judge by).
# (Not gated on the full-width colon `：`: CJK prose writes it everywhere, languages.py reads its names, and a folded
# text would come back with ASCII punctuation: bench/redaction_identity.py showed it on set 5-10 Japanese/Chinese lines.)
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff\ufe0f]")
_KEY_EMOJI = re.compile("(?:[\U0001F511\U0001F510\U0001F512\U0001F5DD]|\\\\u[dD]83[dD]\\\\u[dD][dD](?:1[012]|[dD][dD]))"
                        "(?:\\\\u[fF][eE]0[fF])?[ \t]*")  # raw, or as JSON writes it (a surrogate pair)
FOLD_HINTS = ("\\ud83d\\udd1", "\\ud83d\\uddd", "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
              "\U0001F511", "\U0001F510", "\U0001F512", "\U0001F5DD", "\uff1d", "ｐａｓ", "ｐｗ", "ｓｅｃ", "ｔｏｋ", "ｋｅｙ",
              "ａｐｉ", "ａｕｔ", "ｃｒｅ")

# Forms NFKC does not fold (review, test_review_b15_forms): small capitals (U+1D00 block), Cyrillic/Greek homoglyphs of
# Latin letters (UTS #39 confusables, the common ones), combining marks (dropped after NFD). Read only in a text that
# holds one of them next to a letter, or a mathematical/circled letter (NFKC folds those): `not isascii()` first.
_SMALL_CAPS = str.maketrans("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnoprstuvwyz")
_HOMOGLYPHS = str.maketrans("\u0430\u0435\u043e\u0440\u0441\u03ba\u0456\u0445\u0443\u03bf\u03b1",
                            "aeopckixyoa")
_FOLDABLE = re.compile("[\U0001D400-\U0001D7FF\u24b6-\u24e9\u1d00-\u1d22\ua730\U0001F512]|[A-Za-z][\u0300-\u036f]"
                       "|[A-Za-z][\u0430\u0435\u043e\u0440\u0441\u03ba\u0456\u0445\u0443\u03bf\u03b1]"
                       "|[\u0430\u0435\u043e\u0440\u0441\u03ba\u0456\u0445\u0443\u03bf\u03b1][A-Za-z]")

Judge = Callable[[str], str]


def make_folds(judge: Judge) -> tuple[Judge, Judge, Judge]:
    """(uncoloured, folded, folded_more): each judges `text` folded with `judge` (the redactor, uncached)."""
    def kept_or_judged(text: str, plain: str) -> str:
        if plain == text:
            return text
        judged = judge(plain)
        return judged if judged != plain else text

    def uncoloured(text: str) -> str:
        return kept_or_judged(text, SGR.sub("", text))

    def folded(text: str) -> str:
        return kept_or_judged(text, _KEY_EMOJI.sub("secret", _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))))

    def folded_more(text: str) -> str:
        if text.isascii() or _FOLDABLE.search(text) is None:
            return text
        plain = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).translate(_SMALL_CAPS)
                                      .translate(_HOMOGLYPHS))
        plain = unicodedata.normalize("NFC", "".join(ch for ch in plain if unicodedata.category(ch) != "Mn"))
        return kept_or_judged(text, plain)

    return uncoloured, folded, folded_more
