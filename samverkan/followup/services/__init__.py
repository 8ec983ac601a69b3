"""Follow-up work: one function per change, each writing its audit event.

Indicator values, goal status, tertial snapshots and evaluation results are computed
here; the statistics come from :mod:`samverkan.analysis` (see ``docs/followup.md``).
The package is split by concept; every public name is re-exported here, so callers
write ``from samverkan.followup import services`` and ``services.create_goal(...)``.
"""

from samverkan.followup.services.attachments import add_attachment
from samverkan.followup.services.bank import (
    BANK_ALIASES,
    BANK_COLUMNS,
    entry_from_evaluation,
    import_entries,
    reindex,
    save_entry,
)
from samverkan.followup.services.counting import (
    DEFAULT_MONTHS,
    count_incidents,
    incident_rows,
    month_of,
    rate_per_100k,
    refresh_indicator,
)
from samverkan.followup.services.evaluations import (
    COUNT_KEYS,
    compute_results,
    evaluation_counts,
    save_evaluation,
    summary_sentence,
)
from samverkan.followup.services.goals import (
    SIGNIFICANCE,
    baseline_bounds,
    create_goal,
    goal_status,
    refresh_goal,
)
from samverkan.followup.services.indicators import (
    ImportReport,
    chart_values,
    create_indicator,
    flag_values,
    goal_lines,
    import_series,
    refresh_incident_indicators,
    refresh_indicator_and_goals,
)
from samverkan.followup.services.tertials import (
    generate_tertial_report,
    linked_indicators,
    parse_tertial,
    set_tertial_analysis,
    tertial_snapshot,
)

__all__ = [
    "BANK_ALIASES",
    "BANK_COLUMNS",
    "COUNT_KEYS",
    "DEFAULT_MONTHS",
    "SIGNIFICANCE",
    "ImportReport",
    "add_attachment",
    "baseline_bounds",
    "chart_values",
    "compute_results",
    "count_incidents",
    "create_goal",
    "create_indicator",
    "entry_from_evaluation",
    "evaluation_counts",
    "flag_values",
    "generate_tertial_report",
    "goal_lines",
    "goal_status",
    "import_entries",
    "import_series",
    "incident_rows",
    "linked_indicators",
    "month_of",
    "parse_tertial",
    "rate_per_100k",
    "refresh_goal",
    "refresh_incident_indicators",
    "refresh_indicator",
    "refresh_indicator_and_goals",
    "reindex",
    "save_entry",
    "save_evaluation",
    "set_tertial_analysis",
    "summary_sentence",
    "tertial_snapshot",
]
