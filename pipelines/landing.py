"""The landing folder as the pipeline sees it: which files are there, which are new."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from data_contracts.contract import TABLES
from data_contracts.regions import REGION

EXTENSIONS = (".csv", ".csv.gz", ".txt", ".xlsx", ".parquet", ".jsonl")


@dataclass(frozen=True)
class LandingFile:
    province: str
    table: str
    path: Path


def landing_files(landing: Path) -> list[LandingFile]:
    """Every file in `<landing>/<province>/<table>/`, sorted, in a supported format."""
    found: list[LandingFile] = []
    for province in sorted(REGION):
        for table in TABLES:
            folder = landing / province / table
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if path.is_file() and path.name.lower().endswith(EXTENSIONS):
                    found.append(LandingFile(province, table, path))
    return found


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def landing_fingerprint(files: list[LandingFile]) -> str:
    """A cheap fingerprint (names, sizes, mtimes) for the sensor's cursor."""
    digest = hashlib.sha256()
    for item in files:
        stat = item.path.stat()
        digest.update(f"{item.path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
