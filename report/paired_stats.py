"""Paired intervals and the verdict rules of the report.

Every comparison in the report is a difference A − B of one metric, paired
by seed: the cells of A and B that share a seed (same split, same data
order) give one difference each, and the interval is Student's t over those
differences. A claim is decided by where that interval lies:

- superiority ("A beats B"): holds when the interval lies above zero, does
  not hold when it lies below zero, else inconclusive;
- non-inferiority ("A is at least as good as B", margin m): holds when the
  interval lies above −m, does not hold when it lies below −m, else
  inconclusive;
- at-least ("the value reaches a threshold"): the same with the threshold in
  place of zero, on a mean instead of a difference.

A claim of several parts (datasets, label budgets) holds only when every
part holds (an intersection-union test: no multiplicity correction needed),
and does not hold when some part's interval, widened by Bonferroni over the
claim's k parts, lies on the wrong side; so neither call is made falsely more
often than 2.5% of the time under a null effect (tests/report check this by
simulation).

A comparison with fewer than MIN_PAIRS seed pairs, or one that rests on a
single teacher fine-tune serving every seed (whose own run-to-run variance
the interval cannot contain), is inconclusive whatever its interval says;
the report still shows the interval and what it alone would say.

scipy (Debian's python3-scipy) gives the t and binomial distributions.
"""

import math
import statistics

from scipy import stats as _scipy_stats

LEVEL = 0.95
MIN_PAIRS = 5

HOLDS, NOT, INCONCLUSIVE = "holds", "does not hold", "inconclusive"

SUPERIORITY, NON_INFERIORITY, AT_LEAST = "superiority", "non-inferiority", "at-least"


class PairedDelta:
    """The mean of per-seed values (differences, or a single group's values)
    with its two-sided t interval at `level`."""

    def __init__(self, per_seed, level=LEVEL):
        self.per_seed = {int(s): float(v) for s, v in sorted(per_seed.items())}
        self.level = level
        values = list(self.per_seed.values())
        self.n = len(values)
        self.mean = statistics.fmean(values) if values else None
        self.sd = statistics.stdev(values) if self.n >= 2 else None
        self.lo, self.hi = t_interval(values, level)
        self.unpaired_seeds = []   # seeds present in one group only (set by paired())

    @property
    def has_interval(self):
        return self.lo is not None

    def widened(self, level):
        """The same values at another level (Bonferroni)."""
        return PairedDelta(self.per_seed, level)


def t_interval(values, level=LEVEL):
    """(lo, hi) of the mean's two-sided t interval; (None, None) below 2 values."""
    n = len(values)
    if n < 2:
        return None, None
    mean = statistics.fmean(values)
    sd = statistics.stdev(values)
    half = _scipy_stats.t.ppf(0.5 + level / 2, n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half


def paired(plus, minus, level=LEVEL):
    """plus − minus over the seeds both have: {seed: value} each."""
    common = sorted(set(plus) & set(minus))
    d = PairedDelta({s: plus[s] - minus[s] for s in common}, level)
    d.unpaired_seeds = sorted(set(plus) ^ set(minus))
    return d


def ratio(numerator, denominator, level=LEVEL):
    """numerator / denominator over the seeds both have ({seed: positive
    value} each, times say): the geometric mean of the per-seed ratios with
    the t interval of their logarithms, as {geometric_mean, lo, hi, n}."""
    logs = PairedDelta({s: math.log(numerator[s] / denominator[s])
                        for s in sorted(set(numerator) & set(denominator))}, level)
    if logs.mean is None:
        return {"geometric_mean": None, "lo": None, "hi": None, "n": 0}
    return {"geometric_mean": math.exp(logs.mean),
            "lo": math.exp(logs.lo) if logs.has_interval else None,
            "hi": math.exp(logs.hi) if logs.has_interval else None, "n": logs.n}


def single_verdict(delta, test, bound):
    """What the interval alone says, ignoring the preconditions."""
    if not delta.has_interval:
        return INCONCLUSIVE
    target = -bound if test == NON_INFERIORITY else bound
    if delta.lo > target:
        return HOLDS
    if delta.hi < target:
        return NOT
    return INCONCLUSIVE


class Part:
    """One comparison of a claim: its interval, its test and its preconditions.

    blockers: reasons that make the comparison inconclusive whatever the
    interval says (one teacher fine-tune for every seed, for example).
    """

    def __init__(self, label, delta, test=SUPERIORITY, bound=0.0, blockers=(), missing=None,
                 unit=" pts", digits=2):
        self.label, self.delta, self.test, self.bound = label, delta, test, bound
        self.missing = missing
        self.unit, self.digits = unit, digits
        self.blockers = list(blockers)
        if delta is not None and delta.n < MIN_PAIRS:
            self.blockers.append(f"n={delta.n} < {MIN_PAIRS} seed pairs")
        self.alone = INCONCLUSIVE if missing or delta is None else \
            single_verdict(delta, test, bound)
        self.adjusted_against = None   # set by decide_claim
        self.verdict = INCONCLUSIVE

    def interval_text(self, delta=None):
        d = delta or self.delta
        f = f"{{:+.{self.digits}f}}" if self.test != AT_LEAST else f"{{:.{self.digits}f}}"
        if d is None or d.mean is None:
            return "no data"
        if not d.has_interval:
            return f"{f.format(d.mean)}{self.unit} (n={d.n}, no interval)"
        return (f"{f.format(d.mean)}{self.unit}, {round(100 * d.level, 1):g}% CI "
                f"[{f.format(d.lo)}, {f.format(d.hi)}] (n={d.n})")

    def rule_text(self):
        if self.test == NON_INFERIORITY:
            return f"non-inferiority, margin {self.bound:g}{self.unit}"
        if self.test == AT_LEAST:
            return f"at least {self.bound:g}"
        return "above zero"

    def text(self):
        if self.missing:
            return f"{self.label}: data missing ({self.missing}) → {INCONCLUSIVE}"
        out = f"{self.label} = {self.interval_text()} [{self.rule_text()}] → **{self.verdict}**"
        if self.blockers:
            out += f" ({'; '.join(self.blockers)}; the interval alone: {self.alone})"
        elif self.verdict == NOT and self.adjusted_against is not None:
            out += (f" (Bonferroni-widened: "
                    f"{self.interval_text(self.adjusted_against)})")
        elif self.alone == NOT and self.verdict != NOT:
            out += (f" (below at {round(100 * self.delta.level, 1):g}%, not after Bonferroni: "
                    f"{self.interval_text(self.adjusted_against)})")
        return out


def decide_claim(parts, level=LEVEL):
    """Decides each part and the claim they make together.

    A part holds when its interval at `level` clears the bound; it does not
    hold when its interval at 1 − (1 − level)/k clears the bound the other way
    (k = parts with data). The claim holds when every part holds, does not hold
    when some part does not hold, else (or with no part) is inconclusive. A
    part without data counts as inconclusive: a claim made over several
    tables is not established by the tables that happened to run.
    """
    live = [p for p in parts if not p.missing and p.delta is not None]
    k = max(1, len(live))
    adjusted_level = 1 - (1 - level) / k
    for p in live:
        wide = p.delta.widened(adjusted_level)
        p.adjusted_against = wide
        if p.blockers:
            p.verdict = INCONCLUSIVE
        elif p.alone == HOLDS:
            p.verdict = HOLDS
        elif single_verdict(wide, p.test, p.bound) == NOT:
            p.verdict = NOT
        else:
            p.verdict = INCONCLUSIVE
    return combine([p.verdict for p in live]
                   + [INCONCLUSIVE for p in parts if p.missing or p.delta is None])


def combine(verdicts):
    """Every part holds: holds; some part does not hold: does not hold."""
    verdicts = list(verdicts)
    if not verdicts:
        return INCONCLUSIVE
    if NOT in verdicts:
        return NOT
    if all(v == HOLDS for v in verdicts):
        return HOLDS
    return INCONCLUSIVE


def mcnemar(pairs):
    """Exact McNemar test of A against B, pooled over seeds.

    pairs: [(predicted_a, predicted_b, gold), ...], one per seed, lists of
    class ids over the same test examples. Under the null that A and B are
    equally accurate, each discordant example (one right, the other wrong)
    is A's with probability 1/2 in every seed, so the pooled count is
    binomial. Returns (b, c, p): b = A right and B wrong, c = the reverse,
    p = the two-sided exact p-value (1.0 with no discordant example).
    """
    b = c = 0
    for pa, pb, gold in pairs:
        if not (len(pa) == len(pb) == len(gold)):
            raise ValueError("predictions and gold labels differ in length")
        for x, y, g in zip(pa, pb, gold):
            ra, rb = x == g, y == g
            b += ra and not rb
            c += rb and not ra
    p = 1.0 if b + c == 0 else float(_scipy_stats.binomtest(b, b + c, 0.5).pvalue)
    return b, c, p
