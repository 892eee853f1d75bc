"""Builders for out/stats/: discretion_guide.html, overview.html and the XLSX workbook, all
made only from the Parquet tables in out/stats/ (so every number is traceable)."""
