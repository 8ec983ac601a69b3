"""Permission matrix rows for the county board's pages: none of the matrix users is one."""

from tests.matrix import ANON, COORD, OTHER, REPORTER

MATRIX: dict[str, tuple] = {
    "county-overview": (None, {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403}),
    "county-export": (None, {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403}),
}
