"""Discretion-guide statistics, pure: legal ranges per violation item (legal_ranges.yaml),
the §43 formula, disparity / quantile / survival measures, tier proposals clipped to the law,
and SQL generators for the run-time-shaped parts. No Dagster, no I/O beyond reading the YAML."""
