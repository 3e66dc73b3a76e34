"""How trustworthy the engines' confidences are: accuracy, confident-wrong answers, reliability and Brier.

Pure functions over (confidence, right, expected-unknown) triples, so `sidecar eval` and the tests
compute the same figures. "Confident" is the threshold at which an on-call engineer would act on a
diagnosis without reading the log (0.6, the issue's definition); an honest unknown stays <= 0.4.
"""

from __future__ import annotations

from dataclasses import dataclass

CONFIDENT = 0.6
UNKNOWN_CEILING = 0.4
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One answer: how confident it was, whether it was right, and whether the case was an unknown."""

    confidence: float
    right: bool
    expected_unknown: bool = False


@dataclass(frozen=True, slots=True)
class Bin:
    low: float
    high: float
    count: int
    mean_confidence: float
    accuracy: float


@dataclass(frozen=True, slots=True)
class Calibration:
    total: int
    right: int
    confident_wrong: int
    unknowns: int
    unknowns_over_ceiling: int
    brier: float
    bins: tuple[Bin, ...]

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def calibrate(outcomes: list[Outcome]) -> Calibration:
    """Aggregate figures for `outcomes` (an empty list gives zeros)."""
    bins: list[Bin] = []
    for i, (low, high) in enumerate(zip(BINS, BINS[1:], strict=False)):
        last = i == len(BINS) - 2
        inside = [o for o in outcomes if low <= o.confidence < high or (last and o.confidence == high)]
        if inside:
            bins.append(Bin(low, high, len(inside), sum(o.confidence for o in inside) / len(inside),
                            sum(o.right for o in inside) / len(inside)))
    n = len(outcomes)
    return Calibration(
        total=n,
        right=sum(o.right for o in outcomes),
        confident_wrong=sum(1 for o in outcomes if not o.right and o.confidence >= CONFIDENT),
        unknowns=sum(o.expected_unknown for o in outcomes),
        unknowns_over_ceiling=sum(1 for o in outcomes if o.expected_unknown and o.confidence > UNKNOWN_CEILING),
        brier=sum((o.confidence - (1.0 if o.right else 0.0)) ** 2 for o in outcomes) / n if n else 0.0,
        bins=tuple(bins),
    )


def format_calibration(name: str, c: Calibration) -> str:
    """The summary lines `sidecar eval` prints for one engine."""
    lines = [
        f"{name}: accuracy {c.right}/{c.total} ({100.0 * c.accuracy:.0f}%), "
        f"confident-wrong (>= {CONFIDENT}) {c.confident_wrong}, "
        f"unknowns above {UNKNOWN_CEILING}: {c.unknowns_over_ceiling}/{c.unknowns}, Brier {c.brier:.3f}",
        f"  reliability ({name}): confidence bin -> cases, mean confidence, accuracy",
    ]
    lines += [f"    [{b.low:.1f}, {b.high:.1f}{']' if b.high == 1.0 else ')'}  n={b.count:<4} "
              f"conf={b.mean_confidence:.2f}  acc={b.accuracy:.2f}" for b in c.bins]
    return "\n".join(lines)
