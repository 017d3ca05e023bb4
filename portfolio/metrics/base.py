"""What the metrics modules share: the labels of groups that are not a vocabulary word,
the orders of chart groups, and the errors of a figure that cannot be computed."""

from __future__ import annotations

from portfolio import schema

NO_STATUS = "No status"
NOT_STATED = "Not stated"
NOT_STARTED = "not started"
BEFORE_MANDATE = "Before the mandate"
AFTER_MANDATE = "After the mandate"
START_UNKNOWN = "Start date unknown"
STATUS_ORDER = (*schema.STATUSES, NO_STATUS)
# Columns of the survival tables, in order after the grouping column.
SURVIVAL_COLUMNS = ("total", "adopted", "unproven", "not_real", "survival")
# The vocabulary a grouping column is ordered by, when it has one.
GROUP_ORDER = {"origin": schema.ORIGINS, "reported_status": schema.STATUSES, "stage": schema.STAGES}


class MetricsError(Exception):
    """A portfolio figure cannot be computed from what the sheet holds."""


class MandateDateMissing(MetricsError):
    """Before vs after the mandate needs the Settings key `mandate_date`."""

    def __init__(self) -> None:
        super().__init__(
            "No mandate date: add a row `mandate_date | 2025-03-01` (the day the AI-first "
            "mandate was announced) to the Settings tab and reload."
        )
