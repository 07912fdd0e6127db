"""The bilingual vocabulary of therapeutic areas and indications: typed in either language, stored as a code,
shown as a label; free text stays as typed."""

from __future__ import annotations

import pytest

from biopark.pipeline.vocabulary import area_label, complete_indication, normalise_area


@pytest.mark.parametrize(
    ("typed", "code"),
    [("oncology", "oncology"), ("Oncology", "oncology"), ("肿瘤", "oncology"), ("cancer", "oncology"),
     ("infectious disease", "infectious_disease"), ("罕见病", "rare_disease"), (" Hematology ", "haematology"),
     ("rare kidney disorders", "rare kidney disorders"), ("", "")],
)
def test_areas_are_stored_as_codes_when_known(typed, code):
    assert normalise_area(typed) == code


def test_areas_are_shown_as_labels_or_as_entered():
    assert area_label("infectious_disease", "zh-hans") == "感染性疾病"
    assert area_label("infectious_disease", "en") == "Infectious disease"
    assert area_label("rare kidney disorders", "zh-hans") == "rare kidney disorders"


def test_known_indications_get_their_other_name():
    assert complete_indication("", "Haemophilia A") == ("血友病A", "Haemophilia A")
    assert complete_indication("非小细胞肺癌", "") == ("非小细胞肺癌", "Non-small cell lung cancer")
    assert complete_indication("", "Something new") == ("", "Something new")
    assert complete_indication("乙肝", "HBV infection") == ("乙肝", "HBV infection")  # both typed: kept


@pytest.mark.django_db
def test_indication_add_stores_the_code_and_completes_the_name(roles):
    from biopark.pipeline import services
    from tests.pipeline.factories import ProjectFactory

    project = ProjectFactory(organisation=roles["enterprise"], therapeutic_areas=[])
    ind = services.indication_add(actor=roles["users"]["admin"], project=project, name_en="Haemophilia A",
                                  therapeutic_area="血液病")
    ind.refresh_from_db()
    project.refresh_from_db()
    assert (ind.name_zh, ind.name_en, ind.therapeutic_area) == ("血友病A", "Haemophilia A", "haematology")
    assert project.therapeutic_areas == ["haematology"]
