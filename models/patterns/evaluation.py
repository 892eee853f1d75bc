"""Scoring detectors against the generator's truth: precision, recall, F1, precision@k.

Groups (convoys, networks, clone track pairs) match when their Jaccard similarity is at
least 0.5; each truth group matches at most one found group (greedy by best Jaccard).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence


def prf(found: Iterable[str], truth: Iterable[str]) -> dict:
    """Set precision/recall/F1 (empty found → precision 1.0 by convention; empty truth → None)."""
    f, t = set(found), set(truth)
    tp = len(f & t)
    precision = tp / len(f) if f else (1.0 if not t else 0.0)
    recall = tp / len(t) if t else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if recall is not None and precision + recall > 0
        else (0.0 if recall is not None else None)
    )
    return {
        "found": len(f),
        "truth": len(t),
        "tp": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def group_prf(found: Sequence[Iterable[str]], truth: Sequence[Iterable[str]], threshold=0.5):
    """Precision/recall/F1 over groups matched one-to-one by Jaccard ≥ ``threshold``."""
    fs, ts = [set(g) for g in found], [set(g) for g in truth]
    pairs = sorted(
        ((jaccard(f, t), i, j) for i, f in enumerate(fs) for j, t in enumerate(ts) if f & t),
        reverse=True,
    )
    used_f: set[int] = set()
    used_t: set[int] = set()
    for score, i, j in pairs:
        if score < threshold:
            break
        if i not in used_f and j not in used_t:
            used_f.add(i)
            used_t.add(j)
    tp = len(used_t)
    precision = len(used_f) / len(fs) if fs else (1.0 if not ts else 0.0)
    recall = tp / len(ts) if ts else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if recall is not None and precision + recall > 0
        else (0.0 if recall is not None else None)
    )
    return {
        "found": len(fs),
        "truth": len(ts),
        "tp": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def precision_at_k(ranked: Sequence[str], positives: Iterable[str], k: int) -> float | None:
    """Share of the top ``k`` of ``ranked`` that are positives (None when ranked is empty)."""
    top = list(ranked)[:k]
    if not top:
        return None
    pos = set(positives)
    return sum(1 for x in top if x in pos) / len(top)


def random_precision_at_k(
    population: Sequence[str], positives: Iterable[str], k: int, *, draws: int = 200, seed: int = 0
) -> float | None:
    """Expected precision@k of random selection (mean over ``draws`` samples)."""
    pop = list(population)
    if not pop:
        return None
    pos = set(positives)
    rng = random.Random(seed)
    kk = min(k, len(pop))
    return sum(sum(1 for x in rng.sample(pop, kk) if x in pos) / kk for _ in range(draws)) / draws
