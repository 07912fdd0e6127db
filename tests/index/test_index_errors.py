"""Bad input gives a clear IndexInputError naming the row/column, and the CLI writes nothing."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml

from biopark.index import IndexInputError, build, input_from_rows, load_recipe
from biopark.index.cli import main

IMETA_HEADER = ["Level", "iCode", "iName", "Direction", "Weight", "Unit", "Target", "Denominator", "Parent", "Type"]


def good_tables() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    idata = [{"uCode": "A", "uName": "Alpha", "x": "1", "y": "4", "pop": "10"},
             {"uCode": "B", "uName": "Beta", "x": "2", "y": "5", "pop": "10"},
             {"uCode": "C", "uName": "Gamma", "x": "3", "y": "7", "pop": "20"}]
    imeta = [
        {"Level": "1", "iCode": "x", "Direction": "1", "Weight": "1", "Denominator": "pop", "Parent": "P",
         "Type": "Indicator"},
        {"Level": "1", "iCode": "y", "Direction": "-1", "Weight": "1", "Parent": "P", "Type": "Indicator"},
        {"Level": "2", "iCode": "P", "Direction": "1", "Weight": "1", "Parent": "", "Type": "Aggregate"},
        {"iCode": "pop", "Type": "Denominator"},
    ]
    return idata, imeta


RECIPE = {"steps": [{"denominate": {}}, {"normalise": {"method": "minmax"}}, {"aggregate": {"method": "amean"}}]}


def write_csv(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None) -> Path:
    header = header or list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_good_tables_build() -> None:
    idata, imeta = good_tables()
    result = build(input_from_rows(idata, imeta), load_recipe(RECIPE))
    assert result.results.rank("P") == {"A": 2, "B": 1, "C": 3}
    assert result.results.score("P")["B"] == pytest.approx((100 + 200 / 3) / 2)


def test_missing_column() -> None:
    idata, imeta = good_tables()
    for row in idata:
        del row["y"]
    with pytest.raises(IndexInputError, match=r"missing column 'y'"):
        input_from_rows(idata, imeta)


def test_missing_imeta_column() -> None:
    idata, imeta = good_tables()
    for row in imeta:
        row.pop("Parent", None)
    with pytest.raises(IndexInputError, match=r"iMeta: missing column\(s\) Parent"):
        input_from_rows(idata, imeta)


def test_non_numeric_cell_names_row_and_column() -> None:
    idata, imeta = good_tables()
    idata[1]["x"] = "n/a?"
    with pytest.raises(IndexInputError, match=r"iData row 3 \(B\), column x: non-numeric value 'n/a\?'"):
        input_from_rows(idata, imeta)


def test_zero_variance_indicator() -> None:
    idata, imeta = good_tables()
    for row in idata:
        row["y"] = "5"
    inp = input_from_rows(idata, imeta)
    with pytest.raises(IndexInputError, match=r"indicator y has zero variance"):
        build(inp, load_recipe(RECIPE))


def test_parent_that_does_not_exist() -> None:
    idata, imeta = good_tables()
    imeta[1]["Parent"] = "Nope"
    with pytest.raises(IndexInputError, match=r"iMeta row y, column Parent: parent 'Nope' does not exist"):
        input_from_rows(idata, imeta)


def test_cycle_in_hierarchy() -> None:
    idata, imeta = good_tables()
    imeta[2]["Parent"] = "Q"
    imeta.append({"Level": "3", "iCode": "Q", "Direction": "1", "Weight": "1", "Parent": "P", "Type": "Aggregate"})
    with pytest.raises(IndexInputError, match=r"cycle in the hierarchy: P -> Q -> P|Q -> P -> Q"):
        input_from_rows(idata, imeta)


@pytest.mark.parametrize(("recipe", "message"), [
    ({"steps": [{"normalise": {"method": "minimax"}}]}, r"unknown method 'minimax'"),
    ({"steps": [{"aggregate": {"method": "median"}}]}, r"unknown method 'median'"),
    ({"steps": [{"impute": {"method": "knn"}}]}, r"unknown method 'knn'"),
    ({"steps": [{"treat": {"method": "winsorize"}}]}, r"unknown method 'winsorize'"),
    ({"steps": [{"normalize": {}}]}, r"unknown step 'normalize'"),
    ({"steps": [{"normalise": {"method": "minmax", "rnage": [0, 1]}}]}, r"unknown parameter\(s\) rnage"),
    ({"steps": [{"aggregate": {}}, {"normalise": {}}]}, r"aggregate must be the last step"),
    ({"steps": [{"normalise": {}}, {"aggregate": {}}, {"aggregate": {}}]}, r"aggregate must be the last step"),
    ({"steps": [{"treat": {}}, {"normalise": {}}, {"treat": {}}, {"aggregate": {}}],
      "uncertainty": {"vary": {"treat.winmax": [1, 2]}}}, r"2 'treat' steps; which one to vary is ambiguous"),
])
def test_bad_recipe(recipe: dict[str, Any], message: str) -> None:
    with pytest.raises(IndexInputError, match=message):
        load_recipe(recipe)


def test_error_is_a_value_error() -> None:
    assert issubclass(IndexInputError, ValueError)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    idata, imeta = good_tables()
    return {
        "data": write_csv(tmp_path / "iData.csv", idata),
        "meta": write_csv(tmp_path / "iMeta.csv", imeta, IMETA_HEADER),
        "recipe": _write_yaml(tmp_path / "recipe.yaml", RECIPE),
    }


def _write_yaml(path: Path, content: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(content))
    return path


def _argv(files: dict[str, Path], out: Path) -> list[str]:
    return ["build", "--data", str(files["data"]), "--meta", str(files["meta"]),
            "--recipe", str(files["recipe"]), "--out", str(out)]


def test_cli_builds(files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(_argv(files, out)) == 0
    assert (out / "results.csv").read_text().splitlines()[0] == "iCode,Level,uCode,uName,score,rank"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["denominated.csv", "imputed.csv", "screened.csv", "treated.csv", "normalised.csv", "aggregated.csv",
         "results.csv", "weights.csv", "correlations.csv", "parent_correlations.csv", "cronbach.csv",
         "pca_weights.csv", "strengths_weaknesses.csv", "warnings.csv"])
    # Absent steps pass their input through: imputed/screened/treated equal denominated.
    den = (out / "denominated.csv").read_text()
    assert (out / "treated.csv").read_text() == den
    assert den.splitlines()[1] == "A,0.1,4.0"


@pytest.mark.parametrize("breakage", ["non_numeric", "missing_column", "bad_parent", "cycle", "bad_method",
                                      "zero_variance", "missing_file"])
def test_cli_errors_exit_2_and_write_nothing(files: dict[str, Path], tmp_path: Path, breakage: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    idata, imeta = good_tables()
    recipe: dict[str, Any] = RECIPE
    if breakage == "non_numeric":
        idata[0]["x"] = "abc"
    elif breakage == "missing_column":
        for row in idata:
            del row["x"]
    elif breakage == "bad_parent":
        imeta[0]["Parent"] = "Missing"
    elif breakage == "cycle":
        imeta[2]["Parent"] = "P"
    elif breakage == "bad_method":
        recipe = {"steps": [{"normalise": {"method": "sigmoid"}}]}
    elif breakage == "zero_variance":
        for row in idata:
            row["y"] = "1"
    write_csv(files["data"], idata)
    write_csv(files["meta"], imeta, IMETA_HEADER)
    _write_yaml(files["recipe"], recipe)
    if breakage == "missing_file":
        files["data"].unlink()
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "out"
    assert main(_argv(files, out)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip()) > 10
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_cli_usage_error_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--data", "x.csv"]) == 2
    assert "required" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
