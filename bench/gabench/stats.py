"""Medians with 95 % bootstrap confidence intervals, ratios of medians from paired repetitions, and verdicts.

On a shared 2-core VM single figures wander by 10-20 %; a goal is "met" or "missed" only when the whole
interval lies on one side of it, otherwise "not distinguishable". Fixed seed: a report recomputed from
results.json gives the same intervals.
"""
import random
import statistics

RESAMPLES = 4000
SEED = 11
# Fewer samples than this give no interval worth the name: the verdict says so instead of met or missed.
MIN_SAMPLES = 3


class Interval(tuple):
    """(point, low, high) with n, the samples (or pairs) it comes from."""

    def __new__(cls, point, lo, hi, n):
        interval = super().__new__(cls, (point, lo, hi))
        interval.n = n
        return interval


def _clean(values):
    return [v for v in values if v is not None]


def _quantiles(estimates):
    ordered = sorted(estimates)
    lo = ordered[int(0.025 * (len(ordered) - 1))]
    hi = ordered[int(round(0.975 * (len(ordered) - 1)))]
    return lo, hi


def median_ci(samples):
    """(median, low, high) of the samples; the interval is the bootstrap percentile interval of the median."""
    values = _clean(samples)
    if not values:
        return None
    if len(values) < MIN_SAMPLES:
        return Interval(statistics.median(values), min(values), max(values), len(values))
    rng = random.Random(SEED)
    n = len(values)
    estimates = [statistics.median(rng.choices(values, k=n)) for _ in range(RESAMPLES)]
    lo, hi = _quantiles(estimates)
    return Interval(statistics.median(values), lo, hi, n)


def ratio_ci(numerator, denominator):
    """Ratio of medians, a/b, with a bootstrap interval that resamples the repetitions as pairs: the i-th sample
    of a and of b were measured in the same repetition, minutes apart at most, so the machine's slow drifts
    cancel. Pairs where either is missing are left out."""
    pairs = [(a, b) for a, b in zip(numerator, denominator) if a is not None and b is not None]
    if not pairs or any(b == 0 for _, b in pairs):
        return None

    def estimate(sample):
        return statistics.median(a for a, _ in sample) / statistics.median(b for _, b in sample)

    point = estimate(pairs)
    if len(pairs) < MIN_SAMPLES:
        ratios = [a / b for a, b in pairs]
        return Interval(point, min(ratios), max(ratios), len(pairs))
    rng = random.Random(SEED)
    estimates = []
    for _ in range(RESAMPLES):
        sample = rng.choices(pairs, k=len(pairs))
        if statistics.median(b for _, b in sample) != 0:
            estimates.append(estimate(sample))
    lo, hi = _quantiles(estimates)
    return Interval(point, lo, hi, len(pairs))


def verdict(interval, goal, better):
    """'met' when the whole interval is on the good side of the goal, 'missed' when wholly on the bad side."""
    if interval is None:
        return "not measured"
    if getattr(interval, "n", MIN_SAMPLES) < MIN_SAMPLES:
        return f"too few samples ({interval.n})"
    _, lo, hi = interval
    if better == "higher":
        if lo >= goal:
            return "met"
        if hi < goal:
            return "missed"
    else:
        if hi <= goal:
            return "met"
        if lo > goal:
            return "missed"
    return "not distinguishable"
