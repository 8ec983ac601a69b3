"""The category tree: which categories lie at or below a given one.

One rule for every place that filters by a category (the incident list, the API, the
point map, the lägesbild, indicators): a category counts together with every category
below it, at any depth. The rule is written once, as a pure function over the tree, and
once as a query helper that loads the tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def subtree(parent_of: Mapping[int, int | None], roots: Iterable[int]) -> set[int]:
    """Ids of ``roots`` and of every category below them.

    Parameters
    ----------
    parent_of : Mapping[int, int | None]
        Each category's parent id (None at the top).
    roots : Iterable[int]
        The categories whose subtrees are wanted; ids not in the tree are ignored.
    """
    children: dict[int, list[int]] = {}
    for cid, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(cid)
    out: set[int] = set()
    todo = [r for r in roots if r in parent_of]
    while todo:
        node = todo.pop()
        if node in out:
            # A cycle in bad data must not loop for ever.
            continue
        out.add(node)
        todo.extend(children.get(node, ()))
    return out


def subtree_ids(codes: str | Iterable[str]) -> set[int]:
    """Ids of the categories with these codes and of every category below them.

    Unknown codes select nothing.
    """
    from samverkan.incidents.models import Category

    wanted = {codes} if isinstance(codes, str) else set(codes)
    rows = list(Category.objects.values_list("id", "code", "parent_id"))
    parent_of = {cid: pid for cid, _code, pid in rows}
    return subtree(parent_of, [cid for cid, code, _pid in rows if code in wanted])
