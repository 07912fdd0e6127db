"""The controlled bilingual vocabulary of therapeutic areas and common indications.

A therapeutic area is stored as its code ("oncology") when what was typed names a known area in either
language ("肿瘤", "Oncology", "cancer"); anything else is kept as typed (free text stays allowed) and shown as
entered. An indication typed in one language gets its name in the other when the vocabulary knows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, language: str | None = None) -> str:
        return self.zh if (language or get_language() or "zh").lower().startswith("zh") else self.en


THERAPEUTIC_AREAS: tuple[Term, ...] = (
    Term("oncology", "肿瘤", "Oncology", ("cancer", "肿瘤学", "癌症")),
    Term("haematology", "血液病", "Haematology", ("hematology", "血液", "血液学")),
    Term("immunology", "免疫", "Immunology", ("免疫学", "autoimmune", "自身免疫")),
    Term("infectious_disease", "感染性疾病", "Infectious disease", ("infection", "感染", "传染病", "anti-infective")),
    Term("neurology", "神经系统", "Neurology", ("neuroscience", "神经", "神经科学", "cns")),
    Term("metabolic_disease", "代谢性疾病", "Metabolic disease", ("metabolism", "代谢", "代谢病", "endocrinology")),
    Term("cardiovascular", "心血管", "Cardiovascular", ("心血管疾病", "cardiology")),
    Term("ophthalmology", "眼科", "Ophthalmology", ("眼科疾病",)),
    Term("rare_disease", "罕见病", "Rare disease", ("orphan disease",)),
    Term("respiratory", "呼吸系统", "Respiratory", ("呼吸", "pulmonology")),
    Term("dermatology", "皮肤病", "Dermatology", ("皮肤",)),
    Term("digestive", "消化系统", "Digestive system", ("gastroenterology", "消化")),
)

INDICATIONS: tuple[Term, ...] = (
    Term("haemophilia_a", "血友病A", "Haemophilia A", ("hemophilia a", "甲型血友病")),
    Term("haemophilia_b", "血友病B", "Haemophilia B", ("hemophilia b", "乙型血友病")),
    Term("immunodeficiency", "免疫缺陷", "Immunodeficiency", ("原发性免疫缺陷",)),
    Term("nsclc", "非小细胞肺癌", "Non-small cell lung cancer", ("nsclc",)),
    Term("breast_cancer", "乳腺癌", "Breast cancer", ()),
    Term("gastric_cancer", "胃癌", "Gastric cancer", ("stomach cancer",)),
    Term("liver_cancer", "肝癌", "Hepatocellular carcinoma", ("hcc", "liver cancer")),
    Term("lymphoma", "淋巴瘤", "Lymphoma", ()),
    Term("multiple_myeloma", "多发性骨髓瘤", "Multiple myeloma", ()),
    Term("type2_diabetes", "2型糖尿病", "Type 2 diabetes", ("二型糖尿病", "t2d")),
    Term("alzheimers", "阿尔茨海默病", "Alzheimer's disease", ("alzheimer disease", "老年痴呆")),
    Term("rabies", "狂犬病", "Rabies", ()),
    Term("influenza", "流感", "Influenza", ("流行性感冒", "flu")),
    Term("hepatitis_b", "乙型肝炎", "Hepatitis B", ("乙肝", "hbv")),
)


def _key(text: str) -> str:
    return " ".join(str(text).strip().lower().replace("_", " ").replace("-", " ").split())


def _index(terms: tuple[Term, ...]) -> dict[str, Term]:
    found: dict[str, Term] = {}
    for term in terms:
        for name in (term.code, term.zh, term.en, *term.aliases):
            found.setdefault(_key(name), term)
    return found


_AREAS = _index(THERAPEUTIC_AREAS)
_INDICATIONS = _index(INDICATIONS)


def area_term(text: str | None) -> Term | None:
    return _AREAS.get(_key(text or ""))


def normalise_area(text: str | None) -> str:
    """The area's code when `text` names a known area in either language, else `text` as typed (trimmed)."""
    term = area_term(text)
    return term.code if term else str(text or "").strip()


def area_label(value: str | None, language: str | None = None) -> str:
    """A stored area shown to people: the known area's label in the language, or the free text as entered."""
    term = area_term(value)
    return term.label(language) if term else str(value or "")


def area_choices(language: str | None = None) -> list[tuple[str, str]]:
    return [(t.code, t.label(language)) for t in THERAPEUTIC_AREAS]


def complete_indication(name_zh: str, name_en: str) -> tuple[str, str]:
    """Fill the missing name of a known indication from the other one; unknown names stay as typed."""
    if name_zh and name_en:
        return name_zh, name_en
    term = _INDICATIONS.get(_key(name_zh or name_en))
    if term is None:
        return name_zh, name_en
    return name_zh or term.zh, name_en or term.en
