"""The demo builder (idempotent, with and without the shared HDI data) and the rankings-run command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from biopark.accounts.policy import SYSTEM
from biopark.core.models import ChangeRecord
from biopark.ecosystem.models import Park
from biopark.metrics.models import Observation
from biopark.rankings import demo
from biopark.rankings.models import Framework, Run, RunScore
from tests.rankings.helpers import make_external

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (Park.objects.count(), Observation.objects.count(), Framework.objects.count(), Run.objects.count(),
            RunScore.objects.count(), ChangeRecord.objects.count())


def test_build_demo_is_idempotent(roles):
    with translation.override("en"):  # its report is in the active language (the site's is Chinese)
        message = demo.build_demo()
    assert "ASEM: run built" in message
    keys = set(Framework.objects.values_list("key", flat=True))
    assert {"park-competitiveness", "example-park-competitiveness", "asem"} <= keys
    asem = Run.objects.get(framework__key="asem")
    assert asem.n_units == 51  # as COINr's example: screening the imputed data at 90% keeps all 51
    assert asem.uncertainty["replications"] == demo.DEMO_REPLICATIONS
    example = Run.objects.get(framework__key="example-park-competitiveness")
    assert example.synthetic and example.n_units == 30
    assert Park.objects.filter(parent__key=demo.SYNTHETIC_ROOT_KEY).count() == 30
    assert Park.objects.get(key="example-park-a").name_en == "Example Park A"
    if demo.SHARED_DATA.joinpath("hdi").is_dir():
        hdi = Run.objects.get(framework__key="hdi")
        norway = hdi.scores.get(code="HDI", unit_code="NOR")
        assert round(norway.score, 3) == 0.966  # HDR 2023/24: Norway 2022
    before = _counts()
    with translation.override("en"):
        again = demo.build_demo()
    assert "up to date" in again and "+0" in again
    assert _counts() == before


def test_demo_skips_hdi_without_shared_data(roles, monkeypatch, tmp_path: Path):
    monkeypatch.setattr(demo, "SHARED_DATA", tmp_path / "absent")
    assert demo._hdi() is None
    assert not Framework.objects.filter(key="hdi").exists()


def test_rankings_run_command(roles, monkeypatch):
    monkeypatch.setenv("BIOPARK_LANGUAGE", "zh-hans")  # the command speaks the terminal's language
    framework = make_external(SYSTEM)
    out = io.StringIO()
    with pytest.raises(CommandError, match="外部数据框架需要 iData"):
        call_command("rankings-run", framework.key, "--year", "2024", stdout=out)
    with pytest.raises(CommandError, match="nope"):
        call_command("rankings-run", "nope", "--year", "2024")
    demo._synthetic()
    before = Run.objects.count()
    call_command("rankings-run", "example-park-competitiveness", "--year", "2024", "--draft", stdout=out)
    run = Run.objects.order_by("-id").first()
    assert Run.objects.count() == before + 1 and run.status == "draft" and run.n_units == 30
    assert f"运行 {run.pk}：example-park-competitiveness 第 1 版，30 个单元，草稿" in out.getvalue()  # the label
    with pytest.raises(CommandError, match="no observations"):
        call_command("rankings-run", "example-park-competitiveness", "--year", "1999")
