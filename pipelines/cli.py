"""The `xiansuo` command: generate a world, run the pipeline, import feedback.

Messages are Chinese first with English alongside, for officers and analysts alike.
"""

from __future__ import annotations

import time
from datetime import date
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="线索 xiansuo — 东北三省一区道路运输执法线索分析 / road-transport enforcement lead pipeline",
)
feedback_app = typer.Typer(no_args_is_help=True, help="线索反馈 / lead feedback")
app.add_typer(feedback_app, name="feedback")
console = Console()


class Scale(StrEnum):
    tiny = "tiny"
    small = "small"
    medium = "medium"


def say(zh: str, en: str, style: str = "") -> None:
    console.print(f"[{style}]{zh}[/] [dim]/ {en}[/]" if style else f"{zh} [dim]/ {en}[/]")


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"日期格式应为 YYYY-MM-DD / expected YYYY-MM-DD: {text}") from exc


@app.command()
def generate(
    out: Path = typer.Option(..., "--out", help="落地目录 / landing folder to write"),
    scale: Scale = typer.Option(Scale.tiny, "--scale", help="规模 / world size"),
    seed: int = typer.Option(0, "--seed", help="随机种子 / seed (same seed → same bytes)"),
) -> None:
    """生成合成的四省区数据 / generate the synthetic four-province world."""
    _generate(out, scale.value, seed)


def _generate(out: Path, scale: str, seed: int) -> dict:
    from data_contracts.generator import generate as generate_world

    say(f"正在生成 {scale} 规模数据（种子 {seed}）…", f"generating a {scale} world (seed {seed})…")
    with _progress() as bar:
        task = bar.add_task("generate", total=None)

        def on_progress(label: str, done: int, total: int) -> None:
            bar.update(task, description=label, completed=done, total=total or None)

        summary = generate_world(out, scale=scale, seed=seed, progress=on_progress)
    say(f"已写入 {out}", f"written to {out}", "green")
    return summary


@app.command()
def run(
    landing: Path = typer.Option(..., "--landing", help="落地目录 / landing folder"),
    workdir: Path = typer.Option(..., "--workdir", help="工作目录 / work dir (DuckDB + out/)"),
    as_of: str = typer.Option(None, "--as-of", help="基准日期 / reference date YYYY-MM-DD"),
    force: bool = typer.Option(False, "--force", help="无新文件也重算 / recompute anyway"),
) -> None:
    """导入新文件并运行全部资产 / ingest new files and materialise every asset."""
    if not landing.is_dir():
        say(f"落地目录不存在：{landing}", f"landing folder not found: {landing}", "red")
        raise typer.Exit(2)
    summary = _run(landing, workdir, _parse_date(as_of), force)
    if not summary.ok:
        raise typer.Exit(1)


def _run(landing: Path, workdir: Path, as_of: date | None, force: bool = False):
    from pipelines.runner import run_pipeline

    with _progress() as bar:
        task = bar.add_task("pipeline", total=None)

        def on_progress(done: int, total: int, step: str) -> None:
            bar.update(task, completed=done, total=total, description=step)

        summary = run_pipeline(landing, workdir, as_of, progress=on_progress, force=force)
    if summary.status == "nothing_to_do":
        say(
            f"没有新文件，基准日期未变，无需处理（已登记 {summary.total_files} 个文件）",
            f"no new files and the same reference date: nothing to do ({summary.total_files} files known)",
            "yellow",
        )
    elif summary.ok:
        say(
            f"运行完成：新文件 {summary.new_files} 个，用时 {summary.seconds:.1f} 秒",
            f"run finished: {summary.new_files} new files in {summary.seconds:.1f} s",
            "green",
        )
    else:
        say(
            f"运行失败，失败步骤：{', '.join(summary.failed_steps) or '未知'}",
            f"run failed; failed steps: {', '.join(summary.failed_steps) or 'unknown'}",
            "red",
        )
    return summary


@app.command()
def demo(
    workdir: Path = typer.Option(Path("demo"), "--workdir", help="工作目录 / work dir"),
    scale: Scale = typer.Option(Scale.small, "--scale", help="规模 / world size"),
    seed: int = typer.Option(2026, "--seed", help="随机种子 / seed"),
) -> None:
    """合成数据 → 全流程 → 报告 / synthetic world → full run → reports."""
    started = time.monotonic()
    landing = workdir / "landing"
    if not (landing / "_truth" / "manifest.json").exists():
        _generate(landing, scale.value, seed)
    else:
        say(f"沿用已生成的数据 {landing}", f"reusing the generated world in {landing}")
    summary = _run(landing, workdir, None)
    if not summary.ok:
        raise typer.Exit(1)
    _print_outputs((workdir / "out").resolve())
    say(
        f"演示完成，共用时 {time.monotonic() - started:.0f} 秒",
        f"demo done in {time.monotonic() - started:.0f} s",
        "green",
    )


@feedback_app.command("import")
def feedback_import(
    file: Path = typer.Argument(..., help="反馈文件 CSV/XLSX / feedback file"),
    workdir: Path = typer.Option(..., "--workdir", help="工作目录 / work dir"),
) -> None:
    """导入线索反馈并更新线索台账 / import lead feedback and update the ledger."""
    from assets.leads.feedback import import_feedback_file
    from pipelines.settings import DB_FILE

    if not file.is_file():
        say(f"文件不存在：{file}", f"file not found: {file}", "red")
        raise typer.Exit(2)
    result = import_feedback_file(workdir / DB_FILE, file)
    table = Table(title="反馈导入 / feedback import")
    table.add_column("项目 / item")
    table.add_column("数量 / count", justify="right")
    for key, value in result.items():
        table.add_row(str(key), str(value))
    console.print(table)


_OUTPUT_GROUPS = (
    ("线索包 / lead packets", "leads/*/*/packet.html"),
    ("全部线索 / all leads", "leads/leads.parquet"),
    ("裁量基准统计 / discretion guide", "stats/discretion_guide.html"),
    ("区域概览 / regional overview", "stats/overview.html"),
    ("数据质量 / data quality", "quality/*.html"),
    ("模型卡 / model cards", "models/*.md"),
)


def _print_outputs(out: Path) -> None:
    table = Table(title=f"输出位置 / where the outputs are ({out})")
    table.add_column("内容 / what")
    table.add_column("路径 / path")
    for label, pattern in _OUTPUT_GROUPS:
        for path in sorted(out.glob(pattern)):
            table.add_row(label, str(path))
    console.print(table)


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


if __name__ == "__main__":
    app()
