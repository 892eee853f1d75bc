"""Great Expectations suites generated from the table contracts (one source, no drift).

`expectation_specs` is pure (no GX import) and says what each staging table must satisfy after
quarantine: the exact staging columns, required columns non-null, value sets, ranges, unique
record keys. `validate_frame` runs the suite on one pandas batch through a file-backed GX
context and writes Data Docs; GX is imported lazily so importing this module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from data_contracts.contract import Contract

PLATE_COLOURS = ["蓝", "黄", "黑", "白", "绿", "黄绿"]
SAMPLE_ROWS = 200_000  # larger batches are validated on a random sample of this size


@dataclass(frozen=True)
class Spec:
    """One expectation: GX class name + keyword arguments."""

    kind: str
    kwargs: dict


def expectation_specs(contract: Contract) -> list[Spec]:
    specs = [
        Spec(
            "ExpectTableColumnsToMatchOrderedList",
            {"column_list": [n for n, _ in contract.staging_schema()]},
        )
    ]
    for c in contract.columns:
        if c.required:
            specs.append(Spec("ExpectColumnValuesToNotBeNull", {"column": c.name}))
        if c.values and not c.multi:
            specs.append(
                Spec("ExpectColumnValuesToBeInSet", {"column": c.name, "value_set": list(c.values)})
            )
        if c.domain == "plate_color":
            specs.append(
                Spec("ExpectColumnValuesToBeInSet", {"column": c.name, "value_set": PLATE_COLOURS})
            )
        if c.domain == "province":
            specs.append(Spec("ExpectColumnValueLengthsToEqual", {"column": c.name, "value": 2}))
        if c.range is not None and c.type in ("int", "float"):
            specs.append(
                Spec(
                    "ExpectColumnValuesToBeBetween",
                    {"column": c.name, "min_value": c.range[0], "max_value": c.range[1]},
                )
            )
    for r in contract.rules:
        for name in r.columns:
            if contract.column(name).type == "list[int]":
                continue
            if r.kind == "min":
                specs.append(
                    Spec("ExpectColumnValuesToBeBetween", {"column": name, "min_value": r.value})
                )
            elif r.kind == "range":
                specs.append(
                    Spec(
                        "ExpectColumnValuesToBeBetween",
                        {"column": name, "min_value": r.min, "max_value": r.max},
                    )
                )
    specs.append(Spec("ExpectColumnValuesToNotBeNull", {"column": "_province"}))
    if contract.rid:
        specs.append(Spec("ExpectColumnValuesToBeUnique", {"column": "rid"}))
    else:
        specs.append(
            Spec("ExpectCompoundColumnsToBeUnique", {"column_list": ["_province", *contract.key]})
        )
    if contract.plate_columns:
        specs.append(
            Spec(
                "ExpectColumnValuesToNotBeNull",
                {"column": "plate_readable"},
            )
        )
    return specs


def build_suite(contract: Contract):
    """A gx.ExpectationSuite named staging_<table> (imports GX)."""
    import great_expectations as gx

    expectations = [
        getattr(gx.expectations, s.kind)(**s.kwargs) for s in expectation_specs(contract)
    ]
    return gx.ExpectationSuite(name=f"staging_{contract.table}", expectations=expectations)


@dataclass
class GxOutcome:
    success: bool
    evaluated: int
    failed: list[str]
    rows: int
    sampled: bool


def validate_frame(df, contract: Contract, gx_dir: Path, docs_dir: Path) -> GxOutcome:
    """Validate one pandas batch against the contract's suite; write Data Docs to docs_dir."""
    import great_expectations as gx

    sampled = len(df) > SAMPLE_ROWS
    if sampled:
        df = df.sample(n=SAMPLE_ROWS, random_state=0)
    gx_dir.mkdir(parents=True, exist_ok=True)
    docs_dir.mkdir(parents=True, exist_ok=True)
    ctx = gx.get_context(mode="file", project_root_dir=str(gx_dir))
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if "xiansuo_quality" not in (ctx.get_config().data_docs_sites or {}):
        ctx.add_data_docs_site(
            site_name="xiansuo_quality",
            site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
            },
        )
    name = f"staging_{contract.table}"
    ds = ctx.data_sources.add_or_update_pandas("xiansuo")
    try:
        asset = ds.get_asset(name)
    except LookupError:
        asset = ds.add_dataframe_asset(name=name)
    try:
        bd = asset.get_batch_definition("batch")
    except (LookupError, KeyError):
        bd = asset.add_batch_definition_whole_dataframe("batch")
    suite = ctx.suites.add_or_update(build_suite(contract))
    vd = ctx.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=f"{name}_batch", data=bd, suite=suite)
    )
    cp = ctx.checkpoints.add_or_update(
        gx.Checkpoint(
            name=f"{name}_checkpoint",
            validation_definitions=[vd],
            actions=[
                gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=["xiansuo_quality"])
            ],
        )
    )
    result = cp.run(batch_parameters={"dataframe": df})
    failed: list[str] = []
    evaluated = 0
    for run in result.run_results.values():
        for r in run.results:
            evaluated += 1
            if not r.success:
                cfg = r.expectation_config
                failed.append(f"{cfg.type}({cfg.kwargs.get('column', '')})")
    return GxOutcome(bool(result.success), evaluated, failed, len(df), sampled)
