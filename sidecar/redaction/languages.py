"""Secret names in other languages (taxonomy class c, carriers): `密码: x`, `contraseña=x`, `пароль: x`.

Applications localise their config keys and messages, and a log written by one quotes them; the name
rule (names.py) reads ASCII identifiers only, so the common words for password, secret, key and token are
listed here: the words the browsers' password managers and the CLDR/Unicode translation tables use for a
password field (Chrome's `password_manager` strings, Firefox's `passwordmgr` l10n: Chinese 密码/密碼/口令,
Japanese パスワード, Korean 비밀번호/암호, Russian/Ukrainian/Bulgarian пароль, German Passwort/Kennwort,
Spanish contraseña/clave, Portuguese senha/palavra-passe, French mot de passe, Dutch wachtwoord, Polish
hasło, Czech/Slovak heslo, Turkish şifre/parola, Italian password/parola d'ordine, Swedish lösenord,
Norwegian/Danish passord/adgangskode, Finnish salasana, Hungarian jelszó, Greek κωδικός, Hebrew סיסמה,
Arabic كلمة المرور/كلمة السر, Vietnamese mật khẩu, Thai รหัสผ่าน, Hindi पासवर्ड, Indonesian kata sandi),
and the words for secret key / token (密钥/秘钥/令牌/トークン/토큰/токен/ключ/секрет/Schlüssel/clé/chiave).
A value after one of them and `:`/`=`/`：` (or a JSON quote) is a secret unless it reads as prose in the same
language (only non-ASCII letters: `密码: 错误` is "password: wrong").
"""

from __future__ import annotations

import re
from collections.abc import Callable

import ahocorasick  # type: ignore[import-not-found]  # a C extension without stubs

from .secret_names import random_value
from .textstats import complex_password, password_like, password_like_any_script

PASSWORD_WORDS = (
    "密码", "密碼", "口令", "パスワード", "暗証番号", "비밀번호", "암호", "пароль", "паролата", "passwort", "kennwort",
    "contraseña", "contrasena", "contrasenya", "senha", "palavra-passe", "mot de passe", "motdepasse", "wachtwoord",
    "hasło", "haslo", "heslo", "şifre", "sifre", "parola", "parolă", "lösenord", "losenord", "passord",
    "adgangskode", "salasana", "jelszó", "jelszo", "κωδικός", "συνθηματικό", "סיסמה", "סיסמא", "كلمة المرور",
    "كلمة السر", "mật khẩu", "mat khau", "รหัสผ่าน", "पासवर्ड", "kata sandi", "parool", "geslo", "lozinka",
    "slaptažodis", "пароля", "гасло",
    "parola d'ordine", "parola d’ordine", "kata laluan", "পাসওয়ার্ড", "पासवर्ड", "கடவுச்சொல்", "పాస్‌వర్డ్", "پاس ورڈ",
    "رمز عبور", "گذرواژه", "nenosiri", "лозинка", "құпия сөз", "პაროლი", "գաղտնաբառ", "ពាក្យសម្ងាត់",
    "κωδικός πρόσβασης", "κωδικό πρόσβασης", "κωδικού πρόσβασης",  # Greek l10n: "access code" is the password field
    "lykilorð", "cyfrinair", "pasfhocal", "pasahitza", "contrasinal", "wagwoord", "fjalëkalim", "şifrə", "parole",
    "mima",  # 密码 in pinyin, as config keys transliterate it (CLASSES10.md B5: transliterations)
)
# English loanwords used inside other languages' sentences (`la password dell'utente mario è <v>`, Indonesian
# `password untuk budi adalah <v>`): only the copula shape reads them here; the name rule reads the rest.
LOANWORDS = ("password", "passcode", "passphrase")
SECRET_WORDS = (
    "密钥", "秘钥", "金鑰", "密鑰", "秘密", "令牌", "シークレット", "秘密鍵", "トークン", "토큰", "비밀", "токен", "секрет",
    "ключ", "schlüssel", "geheimnis", "clé", "clave", "chiave", "chave", "sleutel", "nyckel", "anahtar", "jeton",
    "segreto", "secreto", "segredo", "sekret", "gizli", "κλειδί", "מפתח", "مفتاح",
    # round 8 (CLASSES10.md B4): key in Japanese katakana and Korean (the consoles' `APIキー`, `API 키`), Polish,
    # Turkish (possessive `API anahtarı`)
    "キー", "키", "klucz", "anahtarı",
)
# A word of several words is also spelled as a config key (`MOT_DE_PASSE=`, `kata-sandi:`, `mat_khau`).
_KEY_SPELLINGS = tuple(w.replace(" ", sep) for w in PASSWORD_WORDS + SECRET_WORDS if " " in w for sep in "_-")
WORDS = PASSWORD_WORDS + SECRET_WORDS + _KEY_SPELLINGS
_ALT = "|".join(sorted((re.escape(w) for w in WORDS), key=len, reverse=True))
_QUOTE = r"(?:\\{0,3}[\"'`]|[「『“‘])"
_WORD = re.compile(r"(?i:" + _ALT + r")")
# The words are found by one Aho-Corasick pass over the lowered text (pyahocorasick); the regex alternation
# above costs ~90 attempts per character and is only the fallback when lowering changes the length.
_AUTOMATON = ahocorasick.Automaton()
for _w in WORDS:
    _AUTOMATON.add_word(_w.lower(), len(_w))
for _w in LOANWORDS:
    _AUTOMATON.add_word(_w, -len(_w))  # negative: a loanword, read by COPULA_TAIL only
_AUTOMATON.make_automaton()
assert not set(LOANWORDS) & {w.lower() for w in WORDS}, "a word is either the language's own or a loanword"
_LOAN = re.compile(r"(?i:" + "|".join(LOANWORDS) + r")")


def _words(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is a loanword) of every word, longest first at one start, no overlaps."""
    lower = text.lower()
    if len(lower) != len(text):
        found = [(*m.span(), False) for m in _WORD.finditer(text)] + [(*m.span(), True) for m in _LOAN.finditer(text)]
        return _longest(sorted(found))
    return _longest(sorted((end + 1 - abs(n), end + 1, n < 0) for end, n in _AUTOMATON.iter(lower)))


def _longest(spans: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    out: list[tuple[int, int, bool]] = []
    for a, b, loan in spans:  # longest first at one start, no overlaps
        if out and a < out[-1][1]:
            if a == out[-1][0] and b > out[-1][1]:
                out[-1] = (a, b, loan)
            continue
        out.append((a, b, loan))
    return out
# From the end of the word: the rest of the name, the separator, the value.
TAIL = re.compile(
    r"[\w\-]{0,12}(?:" + _QUOTE + r")?[ \t]*(?:[:=：＝]|=>|:=)[ \t]*"
    r"(?:(?P<q>" + _QUOTE + r")(?!\[REDACTED:)(?P<qval>[^\n\"'`」』”’]{1,512})(?:" + _QUOTE + r"|[」』”’])"
    r"|(?!\[REDACTED:)(?P<val>[^\s\"'`,;}\])<>，；、。]{1,512}))")
# The word, then a short phrase in the same language (up to four words: `senha do banco inválida: <v>`,
# `Пароль пользователя admin: <v>`, `비밀번호가 올바르지 않습니다: <v>`), then `:` and the value. Prose is likelier
# here than after the bare word, so the value must read as a password (`_password_like`).
# A phrase word may hold an elided article's apostrophe (`d'accès`, `dell'utente`, `l'utilisateur`).
_PHRASE_WORD = r"(?:[^\s:=：\"'`’]|(?<=\w)['’](?=\w)){1,30}"
PHRASE_TAIL = re.compile(
    r"[^\s:=：]{0,12}(?:[ \t]+" + _PHRASE_WORD + r"){1,4}(?:[ \t]*[:：]|[ \t]+[—–])[ \t]+"
    r"(?!\[REDACTED:)(?P<val>[^\s\"'`,;}\])<>，；、。]{6,128})")
# The word, a short phrase, a copula, then the value (`kata sandi untuk budi adalah <v>`, `la password dell'utente
# mario è <v>`, `das Passwort für bob ist <v>`): the third-person "is/was" of the languages listed above that put
# it before the complement. Prose is likely, so the value must read as a password.
_COPULAS = ("is", "was", "ist", "war", "lautet", "lautete", "es", "era", "est", "était", "é", "è", "adalah", "ialah", "är", "var",
            "jest", "był", "była", "je", "byl", "bylo", "là", "είναι", "ήταν", "היא", "הוא", "是", "为", "為",
            "это", "был", "была", "був", "була", "oli", "volt")  # not `on`/`van`/`er` (English words too)
COPULA_TAIL = re.compile(
    r"[^\s:=：]{0,12}(?:[ \t]+" + _PHRASE_WORD + r"){0,4}?[ \t]+(?:" + "|".join(map(re.escape, _COPULAS))
    + r")[ \t]+(?!\[REDACTED:)(?P<val>[^\s\"'`,;}\])<>，；、。]{8,128})")
# The copula of the word's own language where it is also an English word (so not in _COPULAS): Finnish/Estonian
# `salasana on <v>`, `parool on <v>`, Norwegian/Danish `passordet er <v>`, Dutch/Afrikaans `wachtwoord is <v>`.
_OWN_COPULAS = {"salasana": ("on", "oli"), "parool": ("on", "oli"), "passord": ("er", "var"),
                "adgangskode": ("er", "var"), "lykilorð": ("er", "var"), "wachtwoord": ("is", "was"),
                "wagwoord": ("is", "was")}
OWN_COPULA_TAIL = {w: re.compile(
    r"[^\s:=：]{0,12}(?:[ \t]+" + _PHRASE_WORD + r"){0,4}?[ \t]+(?:" + "|".join(c) + r")[ \t]+"
    r"(?!\[REDACTED:)(?P<val>[^\s\"'`,;}\])<>，；、。]{8,128})") for w, c in _OWN_COPULAS.items()}
# The word, a blank, then one bare token that reads as a password (Hindi `पासवर्ड <v> गलत है`: the verb comes last).
BARE_TAIL = re.compile(r"[ \t]+(?!\[REDACTED:)(?P<val>[^\s\"'`,;}\])<>，；、。]{8,128})")
# The word, a blank, then one quoted token that reads as a password (`ogiltigt lösenord '<v>' för bob`).
QUOTED_TAIL = re.compile(r"[ \t]+(?P<q>\\{0,3}[\"'`])(?!\[REDACTED:)(?P<val>[^\s\"'`]{8,128})(?P=q)")
# The word, a phrase ONLY in letters outside ASCII (the word's own script: a verb, a preposition, an adjective), then
# one bare token that reads as a password: Arabic `تم تعيين كلمة المرور إلى <v>` ("password set to"), and the
# languages written without blanks between words, where the phrase is glued to the word (Thai `รหัสผ่านใหม่คือ <v>`
# "the new password is", `รหัสผ่านไม่ถูกต้อง <v>` "password incorrect"; Chinese, Japanese, Khmer alike). An ASCII
# word in the phrase ends it: an English or code phrase after the word is the other rules' (prose is likely there).
_NATIVE = r"[^\x00-\x7f\s:=：，；、。「『“‘\"'`]"
NATIVE_TAIL = re.compile(
    _NATIVE + r"{0,16}(?:[ \t]+" + _NATIVE + r"{1,30}){0,4}[ \t]+(?!\[REDACTED:)(?P<val>[^\s\"'`,;}\])<>，；、。]{8,128})")
HINTS = tuple(sorted({w.lower() for w in WORDS + LOANWORDS}))


# `user=mario`, `request_id=<uuid>` after `パスワードの有効期限が切れました`: the next field, judged by its own name
_FIELD = re.compile(r"[A-Za-z_][\w.\-]*=")


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")  # an id's shape


def _ascii_after_script(text: str, word_start: int, m: re.Match[str]) -> bool:
    """`Ваш токен доступа: ahckdxhy`, `临时密码是 hunterabc`: a word and phrase in a script other than Latin, an explicit
    separator (`:`, a dash, a copula), then an ASCII token of 8+ characters: no word of the phrase's language, so the
    value whatever its letters (a lowercase-only password reads as a word to every other test). A phrase in Latin
    letters (`Passwort ist falsch`) is not read this way: the token could be a word of it."""
    val = m.group("val")
    parts = [p for p in re.split(r"[-_./]+", val) if p]
    if len(parts) > 1 and all(p.isalpha() for p in parts):
        return False  # `Content-Type`, `user.name`: words joined as a name, not a value
    return (len(val) >= 8 and val.isascii() and not text[word_start].isascii()
            and 2 * sum(c.isalpha() for c in val) >= len(val)  # not a timestamp, a number, a version
            and not any(c.isascii() and c.isalpha() for c in text[m.start():m.start("val")]))


# The particle glued to the word that makes what follows its complement: Japanese topic は, Korean 은/는, Chinese
# 为/為/是 ("is"). Without one (`访问令牌 <v> 已创建`, `пароль для <v>`) a following token may be a user or a name.
_TOPIC = ("は", "는", "은", "为", "為", "是")


def _topic_marked(text: str, m: re.Match[str]) -> bool:
    return text[m.start():m.start("val")].rstrip().endswith(_TOPIC)


def _foreign_copula(m: re.Match[str]) -> bool:
    """A loanword's copula is another language's (English `is`/`was` is the name rule's: names.QUALIFIED)."""
    return re.search(r"[ \t](?:is|was)[ \t]+$", m.string[m.start():m.start("val")]) is None


_TRAILING_ESCAPES = re.compile(r"(?:\\{1,3}[nrt])+$")
_WIDE_ESCAPE = re.compile(r"\\{1,3}u([0-9a-fA-F]{4})")


def _unescaped(val: str) -> str:
    """The value as written before json.dumps: `zm\\u011bn\\u011bno\\n` is `změněno` (a word, not a password)."""
    return _WIDE_ESCAPE.sub(lambda e: chr(int(e.group(1), 16)), _TRAILING_ESCAPES.sub("", val.strip()))


def _prose(val: str) -> bool:
    """`错误`, `не задан`: only letters outside ASCII (a word of the same language), or a placeholder."""
    # a Docker record's `\\n` is not part of the word, and `zm\\u011bn\\u011bno` (json.dumps) is `změněno`
    v = _unescaped(val).rstrip(".,:;!?")
    return not v or v.lower() in _PROSE or all(not c.isascii() for c in v if c.isalnum()) and not any(
        c.isdigit() for c in v) or v.startswith(("${", "$", "{{", "<", "%(", "[redacted", "***"))


_PROSE = frozenset({"none", "null", "nil", "true", "false", "undefined", "empty", "missing", "invalid", "required",
                    "***", "****", "********", "<hidden>", "[hidden]"})


def foreign_sub(mark: str) -> Callable[[str], str]:
    """Anchored at each occurrence of a word (a regex per word position, not per character: a 10 MB line
    with one `senha` costs one scan for the words)."""
    def sub(text: str) -> str:
        out: list[str] = []
        pos = 0
        for start, end, loan in _words(text):
            if start < pos:
                continue
            if loan:
                m = COPULA_TAIL.match(text, end)
                if m is None or not password_like(m.group("val")) or not _foreign_copula(m):
                    continue
                start, end = m.start("val"), m.start("val") + len(m.group("val").rstrip(".,:;!?"))
                out.append(text[pos:start])
                out.append(mark)
                pos = end
                continue
            m = TAIL.match(text, end)
            if m is not None:
                quoted = m.group("q") is not None
                val = m.group("qval") if quoted else m.group("val")
                if _prose(val):
                    continue
                start, end = m.span("qval" if quoted else "val")
            elif (q := QUOTED_TAIL.match(text, end)) is not None and (password_like(q.group("val"))
                                                                       or random_value(q.group("val"))):
                start, end = q.span("val")
            else:
                own = OWN_COPULA_TAIL.get(text[start:end].lower())
                for tail in (PHRASE_TAIL, COPULA_TAIL, *((own,) if own is not None else ()), BARE_TAIL, NATIVE_TAIL):
                    m = tail.match(text, end)
                    if m is not None and _FIELD.match(m.group("val")) is None and not _UUID.fullmatch(
                            m.group("val")) and ((complex_password if tail is NATIVE_TAIL else password_like_any_script)(
                            _unescaped(m.group("val"))) or random_value(m.group("val")) or _ascii_after_script(text, start, m)
                            and (tail is not BARE_TAIL and tail is not NATIVE_TAIL or _topic_marked(text, m))):
                        break
                else:
                    continue
                start, end = m.start("val"), m.start("val") + len(m.group("val").rstrip(".,:;!?"))
            out.append(text[pos:start])
            out.append(mark)
            pos = end
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)
    return sub
