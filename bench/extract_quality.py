"""Extraction quality and speed: precision, recall and F1 per record type, and articles per second.

Sets: `corpus` (the five articles in ../shared/corpus, or $BIOPARK_CORPUS_DIR; gold = biopark/demo/data/*.yaml; the development set,
measured with the demo registry passed in and again "cold" with an empty registry), `own_dev` and
`heldout` (tests/extract/articles, each with its own registry rows; held-out articles were never tuned on).
Speed: articles of 5,000 characters (built by repeating the development texts) extracted one after another
on one core with the corpus registry loaded; `tiny` runs 5 of them, `full` 200. No database is used.

Prints one JSON object. JSON keys: benchmark, size, corpus_present, corpus, corpus_cold, own_dev, heldout,
articles, chars_per_article, seconds, articles_per_second, target_articles_per_second.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import bench_size, sized  # noqa: E402

from biopark.extract.engine import extract  # noqa: E402
from biopark.extract.evaluate import corpus_articles, corpus_registry, evaluate, own_articles  # noqa: E402
from biopark.extract.names import NameIndex  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("BIOPARK_CORPUS_DIR") or REPO.parent / "shared" / "corpus")
DATA = REPO / "biopark" / "demo" / "data"
OWN = REPO / "tests" / "extract" / "articles"
SIZES = {"tiny": {"articles": 5}, "small": {"articles": 50}, "full": {"articles": 200}}


def main() -> None:
    size = bench_size(__doc__)
    params = sized(size, SIZES)
    own = own_articles(OWN)
    corpus = corpus_articles(DATA, CORPUS)
    registry = corpus_registry(DATA)
    out: dict[str, object] = {"benchmark": "extract_quality", "size": size, "corpus_present": bool(corpus)}
    out["corpus"] = evaluate(corpus, registry).as_dict() if corpus else None
    out["corpus_cold"] = evaluate(corpus, []).as_dict() if corpus else None
    out["own_dev"] = evaluate([a for a in own if a.set == "dev"]).as_dict()
    out["heldout"] = evaluate([a for a in own if a.set == "heldout"]).as_dict()

    pool = "\n".join(a.text for a in corpus + own)
    texts = []
    for i in range(params["articles"]):
        start = (i * 997) % max(1, len(pool) - 5000)
        chunk = (pool[start:] + pool)[:5000]
        texts.append(chunk)
    index = NameIndex(registry)
    began = time.perf_counter()
    for text in texts:
        extract(text, names=index, document_date="2024-01-01")
    seconds = time.perf_counter() - began
    out.update({"articles": len(texts), "chars_per_article": 5000, "seconds": round(seconds, 3),
                "articles_per_second": round(len(texts) / seconds, 1) if seconds else None,
                "target_articles_per_second": 5})
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
