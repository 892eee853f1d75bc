"""Scale parameters and the fixed calendar of the synthetic world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

START = datetime(2025, 10, 1)  # one extra month before the 12-month window (old decoy offences)
END = datetime(2026, 11, 1)  # exclusive; last data date 2026-10-31 = truth.as_of
AS_OF = date(2026, 10, 31)
WINDOW_START = datetime(2025, 11, 1)
FIXED_MTIME = datetime(2026, 11, 1, 0, 0, 0)  # written into xlsx metadata
PERIOD_H = (END - START).total_seconds() / 3600.0


@dataclass(frozen=True)
class Scale:
    name: str
    trucks_per_province: int
    external_trucks: int
    coaches_per_province: int
    hazmat_per_province: int
    mean_gap_h: float  # mean idle time between two trips of one truck
    gps_vehicles: int  # 两客一危 vehicles with GPS tracks
    gps_interval_s: int
    n_repeat: int  # planted vehicle repeat offenders
    weigh_files_per_month: int


SCALES = {
    "tiny": Scale("tiny", 60, 30, 6, 6, 1500.0, 8, 300, 6, 1),
    "small": Scale("small", 900, 400, 40, 40, 1250.0, 40, 120, 20, 2),
    "medium": Scale("medium", 4500, 2000, 150, 150, 560.0, 120, 120, 60, 4),
}


def to_ts(h: np.ndarray) -> np.ndarray:
    return (np.datetime64(START, "s") + np.round(h * 3600).astype("timedelta64[s]")).astype(
        "datetime64[us]"
    )
