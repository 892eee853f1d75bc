"""Score the pattern findings against the generator's truth.json (pure: dicts in, rows out)."""

from __future__ import annotations

from collections.abc import Iterable

from models.patterns.evaluation import group_prf, prf
from models.stats.measures import wilson_interval

KS = (20, 50, 100)


def score_detectors(found: dict, truth: dict) -> list[dict]:
    """Rows (detector, precision, recall, f1, found, truth, tp, note) for every detector.

    ``found`` keys: cloned_plate (plates), convoy (groups), network_cluster (groups of
    operators+vehicles), network_operators (groups of operators), registration_mismatch
    (plates), station_evasion_bypass (plates), obscured_plate (plates), station_evasion (plates
    with a bypass or obscured kind), night_passage (plates with the night kind).
    """
    rows = []

    def add(name, res, note=""):
        rows.append({"detector": name, **res, "note": note})

    add("cloned_plate", prf(found["cloned_plate"], truth.get("cloned_plate", [])))
    add("convoy", group_prf(found["convoy"], truth.get("convoy", [])), "Jaccard ≥ 0.5")
    nets = truth.get("network_cluster", [])
    add(
        "network_cluster",
        group_prf(
            found["network_cluster"], [n.get("operators", []) + n.get("vehicles", []) for n in nets]
        ),
        "operators+vehicles, Jaccard ≥ 0.5",
    )
    add(
        "network_cluster_operators",
        group_prf(found["network_operators"], [n.get("operators", []) for n in nets]),
        "operators only, Jaccard ≥ 0.5",
    )
    mism = truth.get("registration_mismatch", [])
    add(
        "registration_mismatch",
        prf(found["registration_mismatch"], [m["plate_key"] for m in mism]),
    )
    for kind in ("axles", "blue_plate_heavy", "gvw_over_registered", "weight_divergence"):
        add(
            f"registration_mismatch.{kind}",
            prf(
                found.get(f"registration_mismatch.{kind}", []),
                [m["plate_key"] for m in mism if m.get("kind") == kind],
            ),
        )
    add("station_evasion", prf(found["station_evasion_bypass"], truth.get("station_evasion", [])))
    add("obscured_plate", prf(found["obscured_plate"], truth.get("obscured_plate", [])))
    add(
        "station_evasion_any",
        prf(
            found["station_evasion"],
            list(truth.get("station_evasion", [])) + list(truth.get("obscured_plate", [])),
        ),
        "bypass or obscured vs both truth lists",
    )
    if "night_passage" in truth:
        add(
            "night_passage",
            prf(found.get("night_passage", []), truth["night_passage"]),
            "station_evasion kind 'night' vs planted night runners + evaders",
        )
    return rows


def score_model(test_rows: list[dict], *, risky: Iterable[str] | None = None) -> list[dict]:
    """precision@k of the model, the rule ranking, random selection and (when the truth's
    habitual overloaders are given) an oracle, on exactly the same test rows.

    ``test_rows``: dicts with plate_key, cutoff, label, p_model, rule_rank (rank within its
    cut-off) and optionally ``untriggered`` (no legal repeat trigger yet: at most R09's count of
    over-limit records in the 12 months before the cut-off). The question an officer asks is
    "which k vehicles to watch at this date", so each ranking picks its top k at every test
    cut-off; precision@k pools the hits over the cut-offs (k × cut-offs picks) and its 95 %
    Wilson interval is over those picks. Random is the exact expectation (each cut-off's
    positive rate); the oracle picks the truth's habitual overloaders first (random among them)
    — the ceiling any ranking of vehicles can reach when the label is one noisy weighing.

    The same figures are repeated on the untriggered rows (detector names with
    ``.untriggered``): the vehicles the high_risk_vehicle leads are for, which no legal trigger
    has reached yet and where a count-based ranking has little to go on.
    """
    if not test_rows:
        return []
    risky_set = set(risky or [])
    by_cut = _by_cutoff(test_rows)
    rows = _precision_at_k(by_cut, risky_set, "")
    rows += _whole_ranking(by_cut)
    untriggered = [r for r in test_rows if r.get("untriggered")]
    if untriggered:
        rows += _precision_at_k(_by_cutoff(untriggered), risky_set, ".untriggered")
    return rows


def _by_cutoff(test_rows: list[dict]) -> dict[str, list[dict]]:
    by_cut: dict = {}
    for r in test_rows:
        by_cut.setdefault(str(r["cutoff"]), []).append(r)
    return by_cut


def _precision_at_k(by_cut: dict, risky_set: set, population: str) -> list[dict]:
    """Model, rule, random and oracle precision@k rows for one population of test rows."""
    rows = []
    n_pos = sum(bool(x["label"]) for v in by_cut.values() for x in v)
    ranked = {  # each cut-off's rows in model and in rule order, for every k
        cut: (
            sorted(rs, key=lambda x: (-x["p_model"], x["plate_key"])),
            sorted(rs, key=lambda x: (x["rule_rank"], x["plate_key"])),
        )
        for cut, rs in by_cut.items()
    }
    for k in KS:
        hits = {"model": 0, "rule": 0}
        picks = 0
        expect_random = expect_oracle = 0.0
        for cut in sorted(by_cut):
            rs = by_cut[cut]
            kk = min(k, len(rs))
            picks += kk
            model_top, rule_top = (order[:kk] for order in ranked[cut])
            hits["model"] += sum(bool(x["label"]) for x in model_top)
            hits["rule"] += sum(bool(x["label"]) for x in rule_top)
            pos = sum(bool(x["label"]) for x in rs)
            expect_random += kk * pos / len(rs)
            ris = [x for x in rs if x["plate_key"] in risky_set]
            rest = [x for x in rs if x["plate_key"] not in risky_set]
            n_r = min(kk, len(ris))
            if ris:
                expect_oracle += n_r * sum(bool(x["label"]) for x in ris) / len(ris)
            if kk > n_r and rest:
                expect_oracle += (kk - n_r) * sum(bool(x["label"]) for x in rest) / len(rest)
        m, r_ = hits["model"] / picks, hits["rule"] / picks
        rnd = expect_random / picks
        m_ci = wilson_interval(hits["model"], picks) or (0.0, 1.0)
        r_ci = wilson_interval(hits["rule"], picks) or (0.0, 1.0)
        common = {"recall": None, "f1": None, "found": picks, "truth": n_pos}
        cuts = f"{len(by_cut)} test cut-offs × top {k}"
        if population:
            cuts += "; only vehicles no legal repeat trigger has reached (R09 count not exceeded)"
        rows.append(
            {
                "detector": f"risk_model{population}.precision@{k}",
                "precision": m,
                **common,
                "tp": hits["model"],
                "note": (
                    f"{cuts}; 95%CI=[{m_ci[0]:.3f}, {m_ci[1]:.3f}]; rule={r_:.3f} "
                    f"random={rnd:.4f} lift_vs_random={m / rnd if rnd else 0:.1f}x"
                ),
                "precision_lo": m_ci[0],
                "precision_hi": m_ci[1],
                "rule_precision": r_,
                "random_precision": rnd,
            }
        )
        rows.append(
            {
                "detector": f"rule_ranking{population}.precision@{k}",
                "precision": r_,
                **common,
                "tp": hits["rule"],
                "note": f"{cuts}; 95%CI=[{r_ci[0]:.3f}, {r_ci[1]:.3f}]",
                "precision_lo": r_ci[0],
                "precision_hi": r_ci[1],
            }
        )
        rows.append(
            {
                "detector": f"random{population}.precision@{k}",
                "precision": rnd,
                **common,
                "tp": None,
                "note": f"{cuts}; exact expectation (each cut-off's positive rate)",
            }
        )
        if risky_set:
            rows.append(
                {
                    "detector": f"oracle{population}.precision@{k}",
                    "precision": expect_oracle / picks,
                    **common,
                    "tp": None,
                    "note": f"{cuts}; expectation when picking the truth's risky_vehicles first",
                }
            )
    return rows


def _whole_ranking(by_cut: dict) -> list[dict]:
    """Average precision and ROC AUC of the model and the rule ranking over all test rows,
    per cut-off then averaged: how well each orders the whole population (beyond the top k)."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    out = []
    for name, key in (("risk_model", "p_model"), ("rule_ranking", "rule_rank")):
        aps, aucs = [], []
        for cut in sorted(by_cut):
            rs = by_cut[cut]
            y = [int(bool(x["label"])) for x in rs]
            if len(set(y)) < 2:
                continue
            score = [x[key] if key == "p_model" else -x[key] for x in rs]
            aps.append(average_precision_score(y, score))
            aucs.append(roc_auc_score(y, score))
        if aps:
            out.append(
                {
                    "detector": f"{name}.average_precision",
                    "precision": sum(aps) / len(aps),
                    "recall": None,
                    "f1": None,
                    "found": sum(len(v) for v in by_cut.values()),
                    "truth": sum(bool(x["label"]) for v in by_cut.values() for x in v),
                    "tp": None,
                    "note": f"mean over {len(aps)} test cut-offs; ROC AUC={sum(aucs) / len(aucs):.3f}",
                }
            )
    return out
