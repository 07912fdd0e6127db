import pytest
from django.utils import translation

from biopark.accounts.policy import SYSTEM
from biopark.core.errors import ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.ecosystem import merge, selectors, services
from biopark.ecosystem.models import Organisation, Park, Relation
from tests.factories import OrganisationFactory, ParkFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_create_records_history_and_search_text(roles):
    operator = roles["users"]["operator"]
    org = services.organisation_create(
        actor=operator,
        data={"name_zh": "康诺亚生物医药科技有限公司", "name_en": "Keymed Biosciences", "aliases": "Konoya; 康诺亚",
              "park": roles["zone"].pk, "founded": "2016-03"},
    )
    assert org.aliases == ["Konoya", "康诺亚"]
    assert org.founded == "2016-03"
    assert "kangnuoya" in org.search_text
    history = selectors.history_of(org)
    assert [h.action for h in history] == ["create"]
    assert history[0].actor_label == operator.username
    assert history[0].changes["name_en"] == [None, "Keymed Biosciences"]


def test_update_keeps_old_and_new_values(roles):
    admin = roles["users"]["admin"]
    org = roles["enterprise"]
    old = org.name_en
    services.organisation_update(actor=admin, organisation=org, data={"name_en": "Renamed Ltd"})
    record = ChangeRecord.objects.filter(object_id=org.pk, action="update").get()
    assert record.changes == {"name_en": [old, "Renamed Ltd"]}
    # Saving the same values again writes no history row.
    services.organisation_update(actor=admin, organisation=org, data={"name_en": "Renamed Ltd"})
    assert ChangeRecord.objects.filter(object_id=org.pk, action="update").count() == 1


@pytest.mark.parametrize(
    "data,field",
    [
        ({"name_zh": "", "name_en": ""}, "name_zh"),
        ({"name_zh": "甲", "kind": "spaceship"}, "kind"),
        ({"name_zh": "甲", "founded": "2023-13-01"}, "founded"),
        ({"name_zh": "甲", "park": "no such park"}, "park"),
        ({"name_zh": "甲", "website": "not a url"}, "website"),
        ({"name_zh": "甲", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(data, field):
    count, history = Organisation.objects.count(), ChangeRecord.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_create(actor=SYSTEM, data=data)
    assert field in exc.value.fields
    assert (Organisation.objects.count(), ChangeRecord.objects.count()) == (count, history)


def test_park_cannot_be_nested_in_itself():
    outer = ParkFactory()
    inner = ParkFactory(parent=outer)
    with pytest.raises(ValidationFailed) as exc:
        services.park_update(actor=SYSTEM, park=outer, data={"parent": inner.pk})
    assert "parent" in exc.value.fields
    outer.refresh_from_db()
    assert outer.parent_id is None


def test_relations_both_directions_without_n_plus_one(django_assert_max_num_queries):
    park = ParkFactory()
    orgs = OrganisationFactory.create_batch(5, park=park)
    person = PersonFactory()
    for org in orgs:
        services.relation_create(actor=SYSTEM, subject=org, predicate="located_in", obj=park)
    services.relation_create(actor=SYSTEM, subject=person, predicate="member_of", obj=orgs[0])
    # The same edge twice is one edge.
    services.relation_create(actor=SYSTEM, subject=orgs[0], predicate="located_in", obj=park)
    assert Relation.objects.count() == 6
    with django_assert_max_num_queries(3):
        views = selectors.relations_of(park)
    assert [(v.direction, v.other.pk) for v in views] == [("in", o.pk) for o in orgs]
    with pytest.raises(ValidationFailed):
        services.relation_create(actor=SYSTEM, subject=park, predicate="likes", obj=orgs[0])


def test_merge_folds_duplicate_into_keeper():
    park = ParkFactory()
    keep = OrganisationFactory(name_zh="康诺亚", name_en="Keymed Biosciences", park=park)
    twin = OrganisationFactory(name_zh="", name_en="Konoya", park=park)
    services.relation_create(actor=SYSTEM, subject=twin, predicate="located_in", obj=park)
    merge.organisation_merge(actor=SYSTEM, keep=keep, duplicate=twin)
    keep.refresh_from_db()
    assert keep.aliases == ["Konoya"]
    assert not Organisation.objects.filter(pk=twin.pk).exists()
    assert Relation.objects.get().subject_id == keep.pk
    assert ChangeRecord.objects.filter(object_id=keep.pk, action="merge").count() == 1
    assert Park.objects.count() == 1


def test_unknown_relation_is_refused_in_the_readers_language():
    park = ParkFactory()
    org = OrganisationFactory(park=park)
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        services.relation_create(actor=SYSTEM, subject=park, predicate="likes", obj=org)
    assert refused.value.fields == {
        "predicate": "未知的关系“likes”；可用的关系：位于，运营，隶属于，合作伙伴，成员，投资，主管，承载"}
    assert list(Relation.objects.filter(subject_id=park.pk)) == []
