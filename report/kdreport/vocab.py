"""Vocabulary and orderings. Everything shown is sorted with these, so the
output never depends on file-system or dictionary order."""

import paired_stats as ps


LABELS_ORDER = ["100", "500", "all"]
METHOD_ORDER = ["none", "hard", "soft+repr", "teacher"]
STUDENT_ORDER = ["rnn", "bilstm", ""]
SCHEDULE_ORDER = ["joint", "stagewise", "distil-once", ""]
TEACHER_ORDER = ["base", "large", "base-in-domain", "large-in-domain"]
IN_DOMAIN = "-in-domain"


def large_teacher(labels):
    """The paper's Large teacher at a budget: Table 11's (100 labels per
    class) adds in-domain MLM pre-training (role large-in-domain)."""
    return "large" + IN_DOMAIN if labels == "100" else "large"


VERDICTS = (ps.HOLDS, ps.NOT, ps.INCONCLUSIVE)
# "Soft is at least as good as hard" is a non-inferiority claim: soft may be
# at most this many accuracy points below hard. One point: the paper's own
# soft − hard differences are 0.09 to 1.16 points (Tables 8 and 10), so a
# larger loss would reverse what it reports.
SOFT_HARD_MARGIN = 1.0


def order(seq, value):
    """Position of value in seq; unknown values sort after known ones."""
    return (seq.index(value), "") if value in seq else (len(seq), str(value))


class InputError(Exception):
    """Missing or malformed input; the message names the file."""
