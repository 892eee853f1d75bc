"""Score the pattern findings against the generator's truth.json (pure: dicts in, rows out)."""

from __future__ import annotations

from models.patterns.evaluation import group_prf, precision_at_k, prf, random_precision_at_k

KS = (20, 50, 100)


def score_detectors(found: dict, truth: dict) -> list[dict]:
    """Rows (detector, precision, recall, f1, found, truth, tp, note) for every detector.

    ``found`` keys: cloned_plate (plates), convoy (groups), network_cluster (groups of
    operators+vehicles), network_operators (groups of operators), registration_mismatch
    (plates), station_evasion_bypass (plates), obscured_plate (plates), station_evasion (all
    plates with any evasion kind).
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
    return rows


def score_model(test_rows: list[dict], *, seed: int = 0) -> list[dict]:
    """precision@k of the model vs the rule ranking vs random on the test period.

    ``test_rows``: dicts with plate_key, cutoff, label, p_model, rule_rank (pooled cut-offs).
    """
    if not test_rows:
        return []
    ids = [f"{r['plate_key']}@{r['cutoff']}" for r in test_rows]
    positives = {i for i, r in zip(ids, test_rows, strict=True) if r["label"]}
    by_model = [
        i
        for _, i in sorted(zip(test_rows, ids, strict=True), key=lambda x: (-x[0]["p_model"], x[1]))
    ]
    by_rule = [
        i
        for _, i in sorted(
            zip(test_rows, ids, strict=True), key=lambda x: (x[0]["rule_rank"], x[1])
        )
    ]
    rows = []
    for k in KS:
        m = precision_at_k(by_model, positives, k)
        r = precision_at_k(by_rule, positives, k)
        rnd = random_precision_at_k(ids, positives, k, seed=seed)
        rows.append(
            {
                "detector": f"risk_model.precision@{k}",
                "precision": m,
                "recall": None,
                "f1": None,
                "found": k,
                "truth": len(positives),
                "tp": round((m or 0) * min(k, len(ids))),
                "note": (
                    f"rule={r:.3f} random={rnd:.3f} "
                    f"lift_vs_random={(m or 0) / rnd if rnd else 0:.1f}x "
                    f"95%CI=[{wilson(m or 0, min(k, len(ids)))[0]:.3f}, "
                    f"{wilson(m or 0, min(k, len(ids)))[1]:.3f}]"
                ),
                "rule_precision": r,
                "random_precision": rnd,
            }
        )
    return rows


def wilson(p: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion p observed on n trials."""
    if n <= 0:
        return (0.0, 1.0)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))
