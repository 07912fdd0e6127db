"""Every enumerated value and every model field has a label in both languages, also those the page crawl
never meets because no demo record holds them (a partial date's precision, a relation's record type)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

import biopark
from tests.i18n.visible import ALLOWED_WORDS

_HAN = re.compile(r"[\u3400-\u9fff]")
# Django's own plural of a model without verbose_name_plural: the Chinese name with an English "s" ("活动s").
_DEFAULT_PLURAL = re.compile(r"[\u3400-\u9fff]s$")
# Apps whose models' verbose names are still the English defaults Django makes from the field names. Every app
# has its labels now; an app added without them goes here only while its labels are being written.
PENDING_VERBOSE_NAMES: set[str] = set()


def _modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages(biopark.__path__, "biopark."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        yield importlib.import_module(info.name)


def _choices_classes(holder: Any, found: dict[type, None], depth: int = 0) -> None:
    """Choices classes defined in biopark, also those nested in a model (Organisation.Kind)."""
    for value in vars(holder).values():
        if not inspect.isclass(value) or not value.__module__.startswith("biopark.") or depth > 3:
            continue
        if issubclass(value, models.Choices):
            found[value] = None
        elif value is not holder:
            _choices_classes(value, found, depth + 1)


def _is_chinese(label: Any) -> bool:
    with translation.override("zh-hans"):
        return bool(_HAN.search(str(label)))


def _is_default_plural(label: Any) -> bool:
    with translation.override("zh-hans"):
        return bool(_DEFAULT_PLURAL.search(str(label)))


def _is_code_label(label: Any) -> bool:
    """A label that is itself a code read the same in both languages (CNY, USD)."""
    return str(label) in ALLOWED_WORDS


def every_choice() -> list[tuple[str, Any, Any]]:
    found: dict[type, None] = {}
    for module in _modules():
        _choices_classes(module, found)
    rows = [(f"{c.__module__}.{c.__qualname__}", value, label) for c in found for value, label in c.choices]
    for app in apps.get_app_configs():
        if app.name.startswith("biopark."):
            for model in app.get_models():
                for field in model._meta.concrete_fields:
                    rows += [(f"{model.__name__}.{field.name}", value, label) for value, label in field.flatchoices]
    return rows


def test_every_choice_label_has_a_chinese_translation():
    rows = every_choice()
    assert len(rows) > 300  # the walk found the choices (nested classes and fields' lists too)
    missing = sorted({f"{where} = {value!r}: {label!s}" for where, value, label in rows
                      if not _is_code_label(label) and not (isinstance(label, Promise) and _is_chinese(label))})
    assert missing == [], f"{len(missing)} choice label(s) without a Chinese translation:\n" + "\n".join(missing)


def test_the_choice_walk_sees_partial_date_precisions():
    labels = {(where, value): label for where, value, label in every_choice()}
    with translation.override("zh-hans"):
        assert str(labels[("Organisation.founded_precision", "month")]) == "精确到月"
    with translation.override("en"):
        assert str(labels[("Organisation.founded_precision", "month")]) == "month"


def _labels_of(model: type[models.Model]) -> Iterator[tuple[str, Any]]:
    yield "(model)", model._meta.verbose_name
    yield "(plural)", model._meta.verbose_name_plural
    for field in model._meta.get_fields():
        # A generic foreign key is two fields' view, with no label of its own (its two fields have theirs).
        if not field.auto_created and hasattr(field, "verbose_name") and not isinstance(field, GenericForeignKey):
            yield field.name, field.verbose_name


def _verbose_name_problems(app_labels: set[str] | None) -> list[str]:
    problems = []
    for app in apps.get_app_configs():
        if not app.name.startswith("biopark.") or (app_labels is not None and app.label not in app_labels):
            continue
        for model in app.get_models():
            for name, label in _labels_of(model):
                if not isinstance(label, Promise) or not _is_chinese(label) or _is_default_plural(label):
                    problems.append(f"{app.label}.{model.__name__}.{name}: {label!s}")
    return problems


def test_every_model_and_field_has_a_translated_verbose_name():
    done = {app.label for app in apps.get_app_configs() if app.name.startswith("biopark.")} - PENDING_VERBOSE_NAMES
    assert {"core", "ecosystem"} <= done
    problems = _verbose_name_problems(done)
    assert problems == [], f"{len(problems)} verbose name(s) not translated:\n" + "\n".join(problems)


def test_pending_apps_are_still_pending():
    """An app listed as pending that has become complete must leave the list (so it stays checked)."""
    complete = [label for label in sorted(PENDING_VERBOSE_NAMES)
                if apps.is_installed(f"biopark.{label}") and not _verbose_name_problems({label})]
    assert complete == []


# Apps whose name (the admin's section heading) is still a plain English string, only while it is being written.
PENDING_APP_NAMES: set[str] = set()


def test_every_app_name_has_a_chinese_translation():
    untranslated = sorted(app.label for app in apps.get_app_configs()
                          if app.name.startswith("biopark.")
                          and not (isinstance(app.verbose_name, Promise) and _is_chinese(app.verbose_name)))
    assert untranslated == sorted(PENDING_APP_NAMES)
    with translation.override("zh-hans"):
        assert (str(apps.get_app_config("facilities").verbose_name),
                str(apps.get_app_config("rankings").verbose_name)) == ("共享平台预约", "竞争力排行")
        assert {label: str(apps.get_app_config(label).verbose_name)
                for label in ("accounts", "core", "ecosystem", "metrics", "news", "promotion", "services")} == {
            "accounts": "账户与角色", "core": "平台基础", "ecosystem": "生态名录", "metrics": "园区指标",
            "news": "资讯", "promotion": "招商引资", "services": "一站式服务"}


def test_event_has_a_chinese_plural():
    from biopark.deals.models import Event

    with translation.override("zh-hans"):
        assert str(Event._meta.verbose_name_plural) == "活动"
