"""Strengths and weaknesses as COINr 1.x's get_str_weak, on hand-computed cases.

Toy framework (iMeta file order z1, a1, a2, b1, c1): z1, b1, c1 under P2 and a1, a2 under P1, both under
Index. COINr sorts iMeta by Level then Parent, so its indicator order (which breaks ties) is a1, a2, z1, b1,
c1. b1 has direction -1 (raw 1 is best). Sport ranks (1 = best, ties share the lowest rank):

    unit  z1  a1       a2  b1  c1   | rank z1 a1 a2 b1 c1
    u1     9  9.87654   9   1   1   |       1  1  1  1  1
    u2     1  8         7   2   0   |       4  2  3  2  3
    u3     2  7         8   3   1   |       3  3  2  3  1
    u4     3  6         6   4   NA  |       2  4  4  4  NA

The largest rank of each column (what min_discard compares with): z1 4, a1 4, a2 4, b1 4, c1 3.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from index_refdata import REPO_ROOT

from biopark.index import IndexInputError, build, input_from_rows, load_coinr_tables, load_recipe
from biopark.index.strengths import coinr_indicator_order, signif

NAN = math.nan
COLUMNS = {"z1": [9, 1, 2, 3], "a1": [9.87654, 8, 7, 6], "a2": [9, 7, 8, 6], "b1": [1, 2, 3, 4],
           "c1": [1, 0, 1, NAN]}
PARENTS = {"z1": "P2", "a1": "P1", "a2": "P1", "b1": "P2", "c1": "P2"}


def toy_input() -> Any:
    idata = [{"uCode": f"u{i + 1}", "Region": "X" if i < 2 else "Y", **{c: v[i] for c, v in COLUMNS.items()}}
             for i in range(4)]
    imeta: list[dict[str, Any]] = [
        {"Level": 1, "iCode": c, "iName": f"Name {c}", "Direction": -1 if c == "b1" else 1, "Weight": 1,
         "Unit": "t" if c == "a1" else "", "Parent": PARENTS[c], "Type": "Indicator"} for c in COLUMNS]
    imeta += [{"Level": 2, "iCode": p, "Direction": 1, "Weight": 1, "Parent": "Index", "Type": "Aggregate"}
              for p in ("P2", "P1")]
    imeta += [{"Level": 3, "iCode": "Index", "Direction": 1, "Weight": 1, "Parent": None, "Type": "Aggregate"},
              {"iCode": "Region", "Type": "Group"}]
    return input_from_rows(idata, imeta)


@pytest.fixture(scope="module")
def result() -> Any:
    recipe = {"steps": [{"impute": {"method": "mean"}}, {"normalise": {"method": "minmax"}}, {"aggregate": {}}]}
    return build(toy_input(), load_recipe(recipe))


def test_coinr_order_sorts_by_parent_keeping_file_order() -> None:
    assert coinr_indicator_order(toy_input()) == ("a1", "a2", "z1", "b1", "c1")


def test_ties_follow_coinr_order_and_weaknesses_end_with_the_worst(result: Any) -> None:
    u1 = result.strengths_weaknesses(top_n=2)["u1"]
    # Every rank is 1: the first two in COINr's order are strengths, the last two weaknesses (in that order).
    assert u1.strengths == (("a1", 1), ("a2", 1))
    assert u1.weaknesses == (("b1", 1), ("c1", 1))
    first = u1.strength_rows[0]
    assert (first.code, first.name, first.group, first.rank, first.value, first.unit) == \
        ("a1", "Name a1", "P1", 1, 9.88, "t")
    # Values are raw (not direction-adjusted): b1's best value is 1.
    assert u1.weakness_rows[0].value == 1.0


def test_min_discard_leaves_out_last_ranks_from_both_lists(result: Any) -> None:
    u2 = result.strengths_weaknesses(top_n=2)["u2"]
    # z1 (4 = largest) and c1 (3 = largest) are dropped; left: a1 2, b1 2, a2 3.
    assert u2.strengths == (("a1", 2), ("b1", 2))
    assert u2.weaknesses == (("b1", 2), ("a2", 3))
    kept = result.strengths_weaknesses(top_n=2, min_discard=False)["u2"]
    assert kept.weaknesses == (("c1", 3), ("z1", 4))
    # u4 is last on a1, a2 and b1 and has no c1: only z1 is left, in both lists.
    u4 = result.strengths_weaknesses(top_n=2)["u4"]
    assert u4.strengths == u4.weaknesses == (("z1", 2),)


def test_default_data_set_is_raw_with_directions(result: Any) -> None:
    # On the normalised data u4 has an imputed c1 (2/3, rank 3 of 4, no longer the largest rank).
    normalised = result.strengths_weaknesses(top_n=2, dset="Normalised")["u4"]
    assert normalised.strengths == (("z1", 2), ("c1", 3))
    # Normalised data are already direction-adjusted, so b1 is not flipped a second time.
    assert result.strengths_weaknesses(top_n=1, dset="normalised", min_discard=False)["u1"].weaknesses == \
        (("c1", 1),)
    flipped = result.strengths_weaknesses(top_n=1, adjust_direction=False, min_discard=False)["u1"]
    assert flipped.weaknesses == (("b1", 4),)


def test_unq_discard_report_level_and_sig_figs(result: Any) -> None:
    # c1 has 3 distinct values (1, 0, NA) among 4: share 0.75, dropped when the threshold is 0.75.
    u1 = result.strengths_weaknesses(top_n=2, unq_discard=0.75)["u1"]
    assert u1.weaknesses == (("z1", 1), ("b1", 1))
    assert result.strengths_weaknesses(top_n=2, unq_discard=0.7)["u1"].weaknesses == (("b1", 1), ("c1", 1))
    top = result.strengths_weaknesses(top_n=1, report_level=3, sig_figs=None)["u1"].strength_rows[0]
    assert (top.group, top.value) == ("Index", 9.87654)


def test_use_group_ranks_within_the_group(result: Any) -> None:
    # Group Y (u3, u4): u3 ranks z1 2, a1 1, a2 1, b1 1, c1 1; the largest in-group rank of every column is
    # 2 (group X's u2 ranks 2 on z1 etc.), so z1 is dropped for u3.
    u3 = result.strengths_weaknesses(top_n=2, bottom_n=1, use_group="Region")["u3"]
    assert u3.strengths == (("a1", 1), ("a2", 1))
    assert u3.weaknesses == (("c1", 1),)


def test_bad_options_are_refused(result: Any) -> None:
    with pytest.raises(IndexInputError, match="top_n and bottom_n must be at least 1"):
        result.strengths_weaknesses(top_n=0)
    # Above the number of indicators is capped (COINr refuses), so five works for small frameworks.
    assert len(result.strengths_weaknesses(top_n=9)["u1"].strengths) == 5
    with pytest.raises(IndexInputError, match="use_group 'Nope'"):
        result.strengths_weaknesses(use_group="Nope")
    with pytest.raises(IndexInputError, match="report_level must be between 2 and 3"):
        result.strengths_weaknesses(report_level=4)


def test_signif_as_r() -> None:
    assert [signif(v, 3) for v in (123456.0, 0.00123456, -9.87654, 0.0)] == [123000.0, 0.00123, -9.88, 0.0]
    assert signif(1234.5, 0) == 1000.0  # R treats 0 digits as 1


def test_asem_example_keeps_coinr_rules() -> None:
    """COINr's documented example, get_str_weak(coin, dset = "Raw", usel = "ESP"), on the ASEM data."""
    asem = REPO_ROOT / "biopark" / "rankings" / "data" / "asem"  # COINr's example data, shipped with BioPark
    inp = load_coinr_tables(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv")
    res = build(inp, load_recipe({"steps": [{"normalise": {"method": "minmax"}}, {"aggregate": {}}]}))
    esp = res.strengths_weaknesses()["ESP"]
    raw = res.dataset("raw")
    order = coinr_indicator_order(inp)
    ranks = {}
    for code in order:
        col = raw.column(code) * inp.framework.directions[code]
        ranks[code] = np.sum(col[~np.isnan(col)] > col[raw.units.index("ESP")]) + 1
    listed = [*esp.strengths, *esp.weaknesses]
    assert len(esp.strengths) == len(esp.weaknesses) == 5
    assert all(rank == ranks[code] for code, rank in listed)
    # Sorted by rank, ties in COINr order; nothing where ESP ranks last.
    for rows in (esp.strengths, esp.weaknesses):
        keys = [(rank, order.index(code)) for code, rank in rows]
        assert keys == sorted(keys)
    assert max(r for _, r in esp.strengths) <= min(r for _, r in esp.weaknesses)


def test_csv_has_coinr_columns(result: Any, tmp_path: Any) -> None:
    from biopark.index import write_build

    write_build(result, tmp_path / "out")
    lines = (tmp_path / "out" / "strengths_weaknesses.csv").read_text().splitlines()
    assert lines[0] == "uCode,kind,position,iCode,iName,group,rank,value,unit"
    # u1's first strength: a1 (rank 1, 9.87654 to three significant figures, unit t, pillar P1).
    assert lines[1] == "u1,strength,1,a1,Name a1,P1,1,9.88,t"
