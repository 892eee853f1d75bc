"""MANIFEST.sha256 over the files of a packet (format of `sha256sum`, verifiable with -c)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

MANIFEST = "MANIFEST.sha256"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, names: Iterable[str]) -> Path:
    lines = [f"{sha256_file(folder / name)}  {name}" for name in sorted(names)]
    path = folder / MANIFEST
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def verify_manifest(folder: Path) -> list[str]:
    """Problems found (empty list = every listed file present and unchanged, none unlisted)."""
    path = folder / MANIFEST
    if not path.exists():
        return [f"{MANIFEST} missing"]
    problems, listed = [], set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        listed.add(name)
        target = folder / name
        if not target.is_file():
            problems.append(f"{name}: missing")
        elif sha256_file(target) != digest:
            problems.append(f"{name}: checksum mismatch")
    for extra in sorted(p.name for p in folder.iterdir() if p.is_file()):
        if extra != MANIFEST and extra not in listed:
            problems.append(f"{extra}: not in manifest")
    return problems
