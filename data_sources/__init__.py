"""Every read and write of a workbook: Google Sheets, local files, the bundled sample, snapshots.

Each source returns a `portfolio.model.RawWorkbook`; parsing is not a source's job.
Nothing here connects or reads at import time.
"""
