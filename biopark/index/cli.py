"""Command line: ``biopark index build --data IDATA.csv --meta IMETA.csv --recipe RECIPE.yaml --out DIR``."""

from __future__ import annotations

import argparse
import sys

from biopark.index.build import build
from biopark.index.errors import IndexInputError
from biopark.index.output import write_build
from biopark.index.recipe import load_recipe
from biopark.index.tables import load_coinr_tables

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse exits by itself; raise instead so main() controls the exit code.
        raise IndexInputError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="biopark index", description="Build a composite indicator from COINr tables.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="run a recipe and write every stage as CSV")
    b.add_argument("--data", required=True, help="iData CSV (uCode, uName, groups, denominators, indicators)")
    b.add_argument("--meta", required=True, help="iMeta CSV (Level, iCode, ..., Parent, Type)")
    b.add_argument("--recipe", required=True, help="recipe YAML")
    b.add_argument("--out", required=True, help="output directory")
    return parser


def main(argv: list[str]) -> int:
    """Run the ``index`` command (``argv`` excludes the word ``index``); returns the exit code.

    Any input problem prints ``error: ...`` on stderr, writes nothing and returns 2.
    """
    try:
        args = _parser().parse_args(argv)
        inp = load_coinr_tables(args.data, args.meta)
        recipe = load_recipe(args.recipe)
        result = build(inp, recipe)
        files = write_build(result, args.out)
    except IndexInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for warning in result.analysis_warnings():
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {len(files)} files to {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
