"""The grouper's memo by digit shape (`shapes.normalize_shaped`): a message answered from the memo of another
message of the same shape gets exactly the template masking would compute for it, including messages whose
digits' VALUES decide (HTTP statuses, keyed codes, vendor error codes, WebSocket close codes)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sidecar.errors.fingerprint import clear_caches, form_fingerprint
from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.masking import normalize_message
from sidecar.errors.shapes import digit_shape

from .keep_grammar import KEEP_KEYWORDS, KEEP_NOISE, KEEP_SEPARATORS, keep_texts

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
    # keywords of keep rules without a keep rule's own start (`masking.keep_possible` clears them)
    "ciod: Message code {} is not {} or {}",
    "expecting type {} instead of type {} (softheader={})",
    "Processing the event EventType: JOB_{} for attempt {}",
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


# Keep-rule keywords, separators and number slots (`{}`) glued in any order (tests/errors/test_masking.py's grammar).
_SKELETONS = st.lists(st.tuples(st.sampled_from(KEEP_NOISE), st.sampled_from(KEEP_KEYWORDS),
                                st.sampled_from(KEEP_SEPARATORS), st.sampled_from(["{}", "{}", "x{}", "'{}'", "abc"]))
                      .map("".join), min_size=1, max_size=3).map("".join)


@settings(max_examples=600, deadline=None)
@given(skeleton=_SKELETONS, values=st.lists(st.lists(_digits, min_size=12, max_size=12), min_size=2, max_size=5))
@example(skeleton="upstream returned status {}", values=[["000"], ["503"]])
def test_generated_messages_answered_by_their_shape_get_their_own_template(skeleton: str,
                                                                            values: list[list[str]]) -> None:
    """Keep-rule keywords with numbers of any value: whatever the memo answers equals what masking
    computes for the message itself (a value that decides must never be answered by its shape)."""
    grouper = MessageGrouper()
    n = skeleton.count("{}")
    for vals in values:
        message = skeleton.format(*vals[:n])
        expected = form_fingerprint("svc", "error", normalize_message(message, cached=False))
        assert grouper.form(message, "svc") == expected, message


@settings(max_examples=1500, deadline=None)
@given(text=keep_texts, digits=st.lists(st.sampled_from("0123456789"), min_size=40, max_size=40))
@example(text="Input split: hdfs://10.10.34.11:9000/pjhe/logs/2kSOSP.log:21876+7292", digits=list("9" * 40))
@example(text="retry s3://bucket/key?v2=1 failed", digits=list("4" * 40))
@example(text="failed: code=23505 for x", digits=list("4" * 40))
@example(text="upstream returned status 003 for x", digits=list("5" * 40))
@example(text="PGRST204 at https://x.io/a", digits=list("5" * 40))
@example(text="code=x \u017ftatus 003", digits=list("5" * 40))
@example(text="x https://x.io/a PGRST204", digits=list("5" * 40))
@example(text="ws closed: sent 2011 (going away)", digits=list("1" * 40))
@example(text="upstream: 600 Too Many Requests", digits=list("4" * 40))
def test_a_keep_text_said_to_share_its_shape_has_one_template_for_every_digit_value(text: str,
                                                                                   digits: list[str]) -> None:
    """`normalize_shaped` (for keep-rule texts `masking.keeps_shaped`) says a text's template is the same
    for every text of its digit shape: then the same text with other digit values (any, including `0`,
    `1`, `6`) gets it too."""
    from sidecar.errors.shapes import normalize_shaped

    clear_caches()
    done, shared = normalize_shaped(text)
    assert done == normalize_message(text, cached=False)
    if shared:
        it = iter(digits * 50)
        other = "".join(next(it) if c in "0123456789" else c for c in text)
        assert digit_shape(other) == digit_shape(text)
        assert normalize_message(other, cached=False) == done, (text, other)
