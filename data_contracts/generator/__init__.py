"""Deterministic synthetic four-province world (辽21 吉22 黑23 蒙15): landing folder in each
province's export style + _truth/ (canonical parquet, truth.json, manifest.json)."""

from __future__ import annotations

from .world import generate

__all__ = ["generate"]
