"""Formatting of numbers, statistics and intervals for the report's text."""


def fmt_stat(s, digits=2, why=True):
    """'93.41 ± 0.38 (n=3)'; n=1 says it has no spread."""
    if not s.ok:
        reasons = "; ".join(s.reasons)
        return f"not available ({reasons})" if reasons and why else "not available"
    text = f"{s.mean:.{digits}f}"
    text += f" ± {s.std:.{digits}f} (n={s.n}" if s.n >= 2 else " (n=1, no spread"
    if s.n_missing:  # some seeds ran, others are not available
        text += f"; {s.n_missing} not available" + (f": {'; '.join(s.reasons)}" if why else "")
    return text + ")"


def fmt_num(v, digits=2):
    return "not available" if v is None else f"{v:.{digits}f}"


def fmt_share(row):
    """A benchmark row's share of the matmul peak, as a percentage."""
    share = row.get("share_of_peak")
    return "not available" if share is None else f"{100 * share:.1f}%"


def fmt_sig(v):
    """Variances span orders of magnitude: 4 significant digits."""
    return "not available" if v is None else f"{v:.4g}"


def fmt_int(v):
    return "not available" if v is None else f"{int(round(v)):,}"


def fmt_seconds(s):
    if not isinstance(s, (int, float)):
        return "not recorded"
    return f"{s:.1f} s ({s / 60:.1f} min)"


def dataset_title(dataset, classes):
    return f"{dataset} ({classes} classes)" if classes else dataset


def fmt_ci(s, digits=2):
    """'[92.10, 94.70]' for a Stat or PairedDelta with an interval."""
    if s is None or s.lo is None:
        return "no interval (n < 2)" if s is not None and getattr(s, "n", 0) == 1 else \
            "not available"
    return f"[{s.lo:.{digits}f}, {s.hi:.{digits}f}]"


def fmt_seed_values(per_seed, digits=2, sign=False, marked=()):
    """'s1: 93.10 · s2: 92.40†'; seeds in `marked` (single-class cells) get †."""
    spec = f"+.{digits}f" if sign else f".{digits}f"
    return " · ".join(f"s{s}: {format(v, spec)}{'†' if s in marked else ''}"
                      for s, v in sorted(per_seed.items())) or "not available"
