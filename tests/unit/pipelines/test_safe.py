"""Hostile values stay data and personal identifiers are masked."""

from __future__ import annotations

import pytest

from reports.safe import (
    mask_free_text,
    mask_id,
    mask_name,
    mask_phone,
    neutralise_cell,
    safe_filename,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=cmd|" /C calc"!A0', '\'=cmd|" /C calc"!A0'),
        ("+1+1", "'+1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("-12.5", "-12.5"),
        ("辽A12345", "辽A12345"),
        (42, 42),
        (None, None),
    ],
)
def test_neutralise_cell(value: object, expected: object) -> None:
    assert neutralise_cell(value) == expected


def test_safe_filename_never_escapes_the_folder() -> None:
    for hostile in ("../../etc/passwd", "/abs/path", "a\\b", "..", "<script>"):
        name = safe_filename(hostile)
        assert "/" not in name and "\\" not in name and not name.startswith(".")


def test_masks() -> None:
    assert mask_id("21010219900101123X") == "210102********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张**"
    text = mask_free_text("驾驶员 210102199001011234，电话 13812345678")
    assert "19900101" not in text and "12345678" not in text
