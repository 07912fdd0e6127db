"""Load the demo fact files (biopark/demo/data/*.yaml) into the registry, idempotently.

Every record is found by its key before it is created, so running `biopark demo` twice changes nothing.
Each record cites its article by file name and character span; the passage itself is never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.db import models, transaction

from biopark.accounts.demo_users import DEMO_USERS, demo_password_hash
from biopark.accounts.models import Profile, Role
from biopark.accounts.policy import SYSTEM
from biopark.core.dates import PartialDate
from biopark.core.models import Source
from biopark.deals.models import Agreement, AgreementParty
from biopark.demo import deals as deals_demo
from biopark.demo import financing
from biopark.demo.promotion import load_promotion
from biopark.demo.targets import load_targets
from biopark.ecosystem import services
from biopark.ecosystem.models import Figure, Organisation, Park, Person, Platform, Position

DATA_DIR = Path(__file__).resolve().parent / "data"

_PARK_FIELDS = ["name_zh", "name_en", "aliases", "kind", "city_zh", "city_en", "province_zh", "province_en",
                "country", "public_directory", "description_zh", "description_en"]
_ORG_FIELDS = ["name_zh", "name_en", "aliases", "kind", "city_zh", "city_en", "country", "description_zh",
               "description_en"]
_PERSON_FIELDS = ["name_zh", "name_en", "aliases", "description_zh", "description_en"]
_PLATFORM_FIELDS = ["name_zh", "name_en", "aliases", "kind", "stages", "description_zh", "description_en"]


# libyaml's parser when PyYAML was built with it (the wheels are): the same documents, ten times faster than
# the pure-Python one (0.25 s of the demo's CPU for the fact files).
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_files(directory: Path = DATA_DIR) -> list[dict[str, Any]]:
    return [yaml.load(p.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506 - a safe loader
            for p in sorted(directory.glob("*.yaml"))]


class _Loader:
    def __init__(self, log: Callable[[str], None]):
        self.log = log
        self.records: dict[str, Any] = {}
        self.counts: dict[str, int] = {}

    def _upsert(self, model: Any, key: str, data: dict[str, Any]) -> Any:
        existing = model._default_manager.filter(key=key).first()
        if existing is None:
            obj = services.record_create(actor=SYSTEM, model=model, data={"key": key, **data}, note="demo data")
            self.counts[model.__name__] = self.counts.get(model.__name__, 0) + 1
        else:
            obj = services.record_update(actor=SYSTEM, instance=existing, data=data, note="demo data")
        self.records[key] = obj
        return obj

    def _cite(self, obj: models.Model, source: Source, cite: dict[str, int] | None, field: str = "") -> None:
        span = (int(cite["start"]), int(cite["end"])) if cite else None
        services.citation_add(actor=SYSTEM, record=obj, source=source, span=span, field=field)

    def source(self, doc: dict[str, Any]) -> Source:
        meta = doc["source"]
        published = PartialDate.parse(meta.get("published"))
        source, _ = Source.objects.update_or_create(
            key=meta["file"],
            defaults={
                "title_zh": meta.get("title_zh") or "",
                "title_en": meta.get("title_en") or "",
                "publisher": meta.get("publisher") or "",
                "language": meta.get("language") or "",
                "published_on": published.value if published else None,
                "published_precision": published.precision if published else "",
            },
        )
        return source

    def load(self, docs: list[dict[str, Any]]) -> None:
        sources = [(doc, self.source(doc)) for doc in docs]
        # Parks first, parents before children, across all files.
        parks = [(p, s) for doc, s in sources for p in doc.get("parks") or []]
        pending = list(parks)
        while pending:
            progressed = False
            for item in list(pending):
                park, source = item
                parent = park.get("parent")
                if parent and parent not in self.records:
                    continue
                data = {k: park[k] for k in _PARK_FIELDS if k in park and park[k] is not None}
                data["parent"] = self.records[parent] if parent else None
                obj = self._upsert(Park, park["key"], data)
                self._cite(obj, source, park.get("cite"))
                pending.remove(item)
                progressed = True
            if not progressed:
                raise ValueError(f"parks with unknown parents: {[p['key'] for p, _ in pending]}")
        for doc, source in sources:
            for org in doc.get("organisations") or []:
                data = {k: org[k] for k in _ORG_FIELDS if k in org and org[k] is not None}
                data["park"] = self.records.get(org["park"]) if org.get("park") else None
                obj = self._upsert(Organisation, org["key"], data)
                self._cite(obj, source, org.get("cite"))
        for doc, source in sources:
            for person in doc.get("people") or []:
                data = {k: person[k] for k in _PERSON_FIELDS if k in person and person[k] is not None}
                obj = self._upsert(Person, person["key"], data)
                self._cite(obj, source, person.get("cite"))
                for pos in person.get("positions") or []:
                    org = self.records.get(pos["organisation"]) if pos.get("organisation") else None
                    exists = Position.objects.filter(
                        person=obj, organisation=org, title_zh=pos.get("title_zh") or "",
                        title_en=pos.get("title_en") or "",
                    ).exists()
                    if not exists:
                        services.position_add(
                            actor=SYSTEM, person=obj, organisation=org, title_zh=pos.get("title_zh") or "",
                            title_en=pos.get("title_en") or "", start=pos.get("start"), end=pos.get("end"),
                            is_current=bool(pos.get("current", True)),
                        )
            for platform in doc.get("platforms") or []:
                data = {k: platform[k] for k in _PLATFORM_FIELDS if k in platform and platform[k] is not None}
                data["operator"] = self.records.get(platform["operator"]) if platform.get("operator") else None
                data["park"] = self.records.get(platform["park"]) if platform.get("park") else None
                obj = self._upsert(Platform, platform["key"], data)
                self._cite(obj, source, platform.get("cite"))
        for doc, source in sources:
            for rel in doc.get("relations") or []:
                subject, obj = self.records[rel["subject"]], self.records[rel["object"]]
                relation = services.relation_create(
                    actor=SYSTEM, subject=subject, predicate=rel["predicate"], obj=obj
                )
                self._cite(relation, source, rel.get("cite"))
            for agreement in doc.get("agreements") or []:
                self._agreement(agreement, source)
            for figure in doc.get("figures") or []:
                self._figure(figure, source)
        for doc, source in sources:
            for mention in doc.get("mentions") or []:
                record = self.records.get(mention["record"])
                if record is not None:
                    self._cite(record, source, mention.get("cite"))

    @transaction.atomic
    def _agreement(self, item: dict[str, Any], source: Source) -> None:
        signed = PartialDate.parse(item.get("signed_on"))
        value = item.get("value") or {}
        linked = [(self.records[p["organisation"]], p.get("role") or "partner") for p in item.get("parties") or []]
        # A park that signs in its own name is the agreement's park rather than an organisation party.
        parties = [(org, role) for org, role in linked if isinstance(org, Organisation)]
        park = next((org for org, _ in linked if isinstance(org, Park)), None) or next(
            (org.park for org, _ in parties if org.park_id), None
        )
        agreement, _ = Agreement.objects.update_or_create(
            key=item["key"],
            defaults={
                "title_zh": item.get("title_zh") or "",
                "title_en": item.get("title_en") or "",
                "kind": item.get("kind") or "cooperation",
                "subject_zh": item.get("subject_zh") or "",
                "subject_en": item.get("subject_en") or "",
                "signed_on": signed.value if signed else None,
                "signed_precision": signed.precision if signed else "",
                "value_amount": Decimal(str(value["amount"])) if value.get("amount") else None,
                "value_currency": value.get("currency") or "",
                "park": park,
            },
        )
        for org, role in parties:
            AgreementParty.objects.get_or_create(agreement=agreement, organisation=org, role=role)
        self.records[item["key"]] = agreement
        self._cite(agreement, source, item.get("cite"))

    def _figure(self, item: dict[str, Any], source: Source) -> None:
        subject_key = str(item["subject"])
        prefix = subject_key.split(":", 1)[0]
        if prefix == "source":
            subject_type, subject_id = "source", source.pk
        else:
            target = self.records[subject_key]
            subject_type = {"park": "park", "org": "organisation", "person": "person", "platform": "platform",
                            "agreement": "agreement"}[prefix]
            subject_id = target.pk
        as_of = PartialDate.parse(item.get("as_of"))
        key = f"{source.key}:{subject_key}:{item['kind']}:{item.get('label_en') or item.get('label_zh')}"[:200]
        figure, _ = Figure.objects.update_or_create(
            key=key,
            defaults={
                "subject_type": subject_type,
                "subject_id": subject_id,
                "kind": item["kind"],
                "label_zh": item.get("label_zh") or "",
                "label_en": item.get("label_en") or "",
                "amount": Decimal(str(item["amount"])),
                "currency": item.get("currency") or "",
                "unit": item.get("unit") or "",
                "qualifier": item.get("qualifier") or "",
                "as_of": as_of.value if as_of else None,
                "as_of_precision": as_of.precision if as_of else "",
            },
        )
        self._cite(figure, source, item.get("cite"))


def load_demo(log: Callable[[str], None] = print) -> dict[str, int]:
    loader = _Loader(log)
    docs = load_files()  # read once: neither step changes the documents
    with transaction.atomic():
        loader.load(docs)
        loader.counts.update(deals_demo.load(docs, log))
        loader.counts.update({k: v for k, v in load_promotion(loader.records).items() if v})
        financing.load(log)
        loader.counts["Target"] = load_targets(log)
    return loader.counts


def ensure_demo_users() -> list[tuple[str, str]]:
    """One sign-in per role (password accounts.demo_users.DEMO_PASSWORD), attached to demo records."""
    user_model = get_user_model()
    made = []
    enterprise = (
        Organisation.objects.filter(key="org:keymed").first()
        or Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).order_by("id").first()
    )
    platform_operator = Organisation.objects.filter(platforms_operated__isnull=False).order_by("id").first()
    for username, role, attach in DEMO_USERS:
        user, created = user_model.objects.get_or_create(username=username)
        if created:
            user.password = demo_password_hash()
            user.is_staff = role in (Role.ADMIN, Role.OPERATOR, Role.PLATFORM_MANAGER)
            user.is_superuser = role == Role.ADMIN
            user.save()
        park = Park.objects.filter(key=attach).first() if attach.startswith("park:") else None
        organisation = {"enterprise": enterprise, "platform-operator": platform_operator}.get(attach) or (
            Organisation.objects.filter(key=attach).first() if attach.startswith("org:") else None)
        Profile.objects.update_or_create(user=user, defaults={"role": role, "park": park, "organisation": organisation})
        made.append((username, role))
    return made
