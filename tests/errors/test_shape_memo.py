"""The grouper's memo by digit shape (`shapes.normalize_shaped`): a message answered from the memo of another
message of the same shape gets exactly the template masking would compute for it, including messages whose
digits' VALUES decide (HTTP statuses, keyed codes, vendor error codes, WebSocket close codes)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.errors.fingerprint import form_fingerprint
from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.masking import normalize_message
from sidecar.errors.shapes import digit_shape

# `{}` is filled with digits; each template is a class where digits are values, codes, or both.
TEMPLATES = (
    "Connection from 10.0.{}.{} port {} closed after {}ms",
    "upstream answered HTTP {} for request {}",
    "upstream answered {} Too Many Requests after {} retries",
    "insert failed: code={} detail=duplicate key {}",
    "PGRST{} Could not find the table for job {}",
    "ORA-{}: table or view does not exist (session {})",
    "websocket closed: sent {} (going away); received {} (normal)",
    "exit status {} from worker {}",
    "AB{} token {} rejected",
    "errno {} while reading block blk_{}",
    "'status': {} for tenant acme_{}",
    "Semaphore leak: expected {}, got {} (req-{})",
)
_digits = st.text("0123456789", min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(template=st.sampled_from(TEMPLATES), values=st.lists(st.lists(_digits, min_size=4, max_size=4), min_size=2,
                                                                 max_size=6))
def test_a_message_answered_by_its_shape_gets_its_own_template(template: str, values: list[list[str]]) -> None:
    grouper = MessageGrouper()
    n = template.count("{}")
    for vals in values:
        message = template.format(*vals[:n])
        expected = form_fingerprint("svc", "error", normalize_message(message, cached=False))
        assert grouper.form(message, "svc") == expected, message


def test_values_that_decide_stay_apart_under_one_shape() -> None:
    grouper = MessageGrouper()
    pairs = [("upstream answered HTTP 429 for request 7", "upstream answered HTTP 099 for request 7"),
             ("PGRST204 Could not find the column", "PGRST205 Could not find the column"),
             ("insert failed: code=23505", "insert failed: code=23503"),
             ("websocket closed: sent 1000 (OK)", "websocket closed: sent 1011 (OK)")]
    for a, b in pairs:
        assert digit_shape(a) == digit_shape(b)
        assert grouper.form(a, "svc") != grouper.form(b, "svc"), (a, b)
        assert grouper.form(b, "svc") != grouper.form(a, "svc"), (b, a)


def test_shape_of_text_that_is_not_ascii() -> None:
    """Non-ASCII text (and lone surrogates from undecodable bytes) has a shape; non-ASCII digits are kept."""
    grouper = MessageGrouper()
    for message in ("délai dépassé après 30 s", "d\udc80\udcff 12 ok", "٣ طلبات فشلت 12"):
        assert grouper.form(message) == form_fingerprint("", "error", normalize_message(message, cached=False))
    assert digit_shape("٣ 12") != digit_shape("٤ 12")


def test_a_10_mb_line_is_grouped_without_being_kept() -> None:
    """A flood line is masked like any other (its first MAX_CHARS decide) and never becomes a memo key."""
    grouper = MessageGrouper()
    line = "payload dump " + "x" * 10_000_000 + " at offset {}"
    assert grouper.fingerprint(line.format(12)) == grouper.fingerprint(line.format(977))
    assert grouper.form(line.format(3)) == form_fingerprint("", "error", normalize_message(line.format(3), cached=False))
    assert not grouper._memo and not grouper._memo_old
