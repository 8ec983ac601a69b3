"""Post-processing of the OpenAPI schema: the object id described in Swedish.

Django REST framework describes every object's path id in English ("A unique integer
value identifying this action plan."), which the documentation page showed beside the
Swedish help texts. The hook rewrites that one sentence; everything else is left as the
generator made it.
"""

from __future__ import annotations

import re

_DRF_ID = re.compile(r"^A unique (?:integer )?value identifying this (?P<name>.+?)\.?$")


def swedish_path_ids(result, generator, request, public):
    """drf-spectacular post-processing hook (``POSTPROCESSING_HOOKS``)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                match = _DRF_ID.match(parameter.get("description", ""))
                if parameter.get("in") == "path" and match:
                    parameter["description"] = f"Id för {match['name']}"
    return result
