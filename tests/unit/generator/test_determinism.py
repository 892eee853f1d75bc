"""Same seed → byte-identical files; another seed → a different world."""

from __future__ import annotations

from pathlib import Path

from data_contracts.generator import generate


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_same_bytes(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    sa = generate(a, "tiny", seed=5)
    sb = generate(b, "tiny", seed=5)
    fa, fb = _files(a), _files(b)
    assert fa.keys() == fb.keys()
    diff = [k for k in fa if fa[k] != fb[k]]
    assert not diff, diff[:5]
    assert sa["counts"] == sb["counts"] and sa["bytes"] == sb["bytes"]
    c = tmp_path / "c"
    generate(c, "tiny", seed=6)
    assert _files(c)["_truth/truth.json"] != fa["_truth/truth.json"]
