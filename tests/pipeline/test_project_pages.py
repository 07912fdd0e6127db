"""The project pages that write: new and edit (team from the registry with roles, partners and organisations
by name, labels not codes, errors beside their fields with the input kept), the stage form's evidence,
suggestions, the portfolio's filters by name, and new projects found at once in Chinese, pinyin and alias."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from biopark.accounts.models import Role
from biopark.pipeline.models import Project, StageEvent
from tests.factories import OrganisationFactory, PersonFactory, make_user
from tests.pipeline.factories import IndicationFactory, ProjectFactory


@pytest.fixture(autouse=True, scope="module")
def _messages():
    call_command("compilemessages_py", verbosity=0)


@pytest.fixture
def world(roles):
    lead = PersonFactory(name_zh="王晓明", name_en="Wang Xiaoming")
    chemist = PersonFactory(name_zh="李华", name_en="Li Hua", aliases=["Hua Li"])
    partner = OrganisationFactory(name_zh="药明康德", name_en="WuXi AppTec", park=roles["zone"])
    return {**roles, "lead": lead, "chemist": chemist, "partner": partner}


NEW = {
    "name_zh": "抗体偶联药物KM501", "name_en": "ADC KM501", "aliases": "KM-501; 康明501", "modality": "adc",
    "visibility": "park", "areas": ["oncology"], "other_areas": "罕见代谢病", "targets": "HER2; TROP2",
    "indications": "乳腺癌\nGastric cancer", "description_zh": "", "description_en": "",
    "team_name": ["王晓明", "Hua Li", ""], "team_role": ["项目负责人", "CMC lead", ""],
    "partner": ["WuXi AppTec", ""],
}


def test_member_creates_a_project_with_team_partners_and_indications(client, world):
    member = world["users"]["enterprise_member"]
    client.force_login(member)
    form = client.get("/pipeline/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Labels, never codes; the organisation is the member's own and is not asked for.
    assert ">Antibody-drug conjugate (ADC)</option>" in form and 'name="organisation"' not in form
    response = client.post("/pipeline/new/", NEW)
    assert response.status_code == 302
    project = Project.objects.get(name_en="ADC KM501")
    assert response["Location"] == f"/pipeline/{project.pk}/"
    assert (project.organisation, project.park, project.modality, project.visibility) == (
        world["enterprise"], world["zone"], "adc", "park")
    assert project.targets == ["HER2", "TROP2"] and project.aliases == ["KM-501", "康明501"]
    assert project.therapeutic_areas == ["oncology", "罕见代谢病"]
    assert list(project.team.order_by("id")) == [world["lead"], world["chemist"]]
    assert project.team_roles == {str(world["lead"].pk): "项目负责人", str(world["chemist"].pk): "CMC lead"}
    assert list(project.partners.all()) == [world["partner"]]
    assert [(i.name_zh, i.name_en) for i in project.indications.order_by("id")] == [
        ("乳腺癌", "Breast cancer"), ("胃癌", "Gastric cancer")]
    page = client.get(f"/pipeline/{project.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<table class="fieldtable" id="project-facts">' in page and "<dl" not in page
    assert "Wang Xiaoming</a> <span class=\"muted\">(项目负责人)</span>" in page
    # Found at once through the list's search: Chinese, pinyin, alias, target and indication.
    for q in ("偶联", "kangming", "KM-501", "TROP2", "乳腺癌", "ADC KM501"):
        listing = client.get("/pipeline/", {"q": q}).content.decode()
        assert f'href="/pipeline/{project.pk}/"' in listing, q


def test_errors_are_shown_beside_their_fields_and_the_input_is_kept(client, world):
    client.force_login(world["users"]["enterprise_member"])
    bad = {**NEW, "name_zh": "", "name_en": "", "team_name": ["没有这个人"], "team_role": ["顾问"],
           "partner": ["不存在的公司"], "modality": ""}
    response = client.post("/pipeline/new/", bad, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 422
    assert Project.objects.count() == 0
    assert '<div class="error" id="error-team">没有名为 没有这个人 的人物；请从建议中选择</div>' in page
    assert '<div class="error" id="error-partners">没有名为 不存在的公司 的机构；请从建议中选择</div>' in page
    assert '<div class="error" id="error-modality">请选择技术类型</div>' in page
    assert 'value="HER2; TROP2"' in page and 'value="没有这个人"' in page and 'value="顾问"' in page
    # With the names fixed, the services' own check names the missing title beside its field.
    response = client.post("/pipeline/new/", {**bad, "team_name": [], "team_role": [], "partner": [],
                                               "modality": "adc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and Project.objects.count() == 0
    assert ('<div class="error" id="error-name_zh">a Chinese or an English name is required</div>'
            in response.content.decode())


def test_operator_names_an_organisation_of_the_park_and_edits(client, world):
    client.force_login(world["users"]["operator"])
    outside = OrganisationFactory(name_zh="园外公司", name_en="Outsider Co", park=world["other_park"])
    response = client.post("/pipeline/new/", {**NEW, "organisation": outside.name_zh}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "no organisation called 园外公司" in response.content.decode()
    assert Project.objects.count() == 0
    response = client.post("/pipeline/new/", {**NEW, "organisation": world["enterprise"].name_zh})
    project = Project.objects.get()
    assert response.status_code == 302 and project.organisation == world["enterprise"]
    edit = client.get(f"/pipeline/{project.pk}/edit/").content.decode()
    assert 'value="王晓明"' in edit and 'value="项目负责人"' in edit and 'value="药明康德"' in edit
    changed = {**NEW, "name_zh": "KM501新名", "team_name": ["李华"], "team_role": ["首席科学家"], "partner": []}
    assert client.post(f"/pipeline/{project.pk}/edit/", changed).status_code == 302
    project.refresh_from_db()
    assert project.name_zh == "KM501新名" and list(project.team.all()) == [world["chemist"]]
    assert project.team_roles == {str(world["chemist"].pk): "首席科学家"} and list(project.partners.all()) == []
    listing = client.get("/pipeline/", {"q": "xinming"}).content.decode()
    assert f'href="/pipeline/{project.pk}/"' in listing


def test_who_may_open_the_forms(client, world):
    project = ProjectFactory(organisation=world["enterprise"], park=world["zone"], name_zh="原名")
    for role, new_status, edit_status in (("investor", 403, 403), ("viewer", 403, 403)):
        client.force_login(world["users"][role])
        assert client.get("/pipeline/new/").status_code == new_status
        response = client.post(f"/pipeline/{project.pk}/edit/", {**NEW, "name_zh": "改名"})
        assert response.status_code in (edit_status, 404)
    other = make_user(Role.ENTERPRISE_MEMBER, organisation=world["other_enterprise"])
    client.force_login(other)
    assert client.post(f"/pipeline/{project.pk}/edit/", {**NEW, "name_zh": "改名"}).status_code == 404
    project.refresh_from_db()
    assert project.name_zh == "原名"


def test_suggestions_by_chinese_pinyin_and_alias(client, world):
    client.force_login(world["users"]["enterprise_member"])
    for q in ("王晓", "wangxiaoming", "Hua Li"):
        page = client.get("/pipeline/suggest/person/", {"team_name": q}).content.decode()
        expected = world["lead"] if q != "Hua Li" else world["chemist"]
        assert f'<option value="{expected.display_name}">' in page, q
    assert client.get("/pipeline/suggest/user/", {"q": "x"}).status_code == 404
    page = client.get("/pipeline/suggest/organisation/", {"partner": "yaoming"}).content.decode()
    assert '<option value="药明康德">WuXi AppTec</option>' in page


def test_stage_form_explains_evidence_and_refusals(client, world):
    project = ProjectFactory(organisation=world["enterprise"], park=world["zone"])
    indication = IndicationFactory(project=project, name_en="NSCLC")
    client.force_login(world["users"]["enterprise_member"])
    page = client.get(f"/pipeline/{project.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<form method="post" class="bp-form" id="stage-form"' in page
    assert "<th scope=\"row\">Approved</th><td>an approval or filing number</td>" in page
    assert "<th scope=\"row\">Phase 1</th><td>a trial registration number or a document</td>" in page
    refused = client.post(f"/pipeline/{project.pk}/", {"indication": indication.pk, "stage": "phase1",
                                                       "date": "2023-05"}, HTTP_ACCEPT_LANGUAGE="en")
    body = refused.content.decode()
    assert refused.status_code == 422
    assert '<div class="error" id="error-trial_id">Phase 1 needs a trial registry id or a document as evidence</div>' in body
    assert 'value="2023-05"' in body  # input kept
    assert StageEvent.objects.count() == 0
    ok = client.post(f"/pipeline/{project.pk}/", {"indication": indication.pk, "stage": "phase1", "date": "2023-05",
                                                  "trial_id": "CTR20230001"})
    assert ok.status_code == 302
    assert list(StageEvent.objects.values_list("stage", "trial_id")) == [("phase1", "CTR20230001")]
    back = client.post(f"/pipeline/{project.pk}/", {"indication": indication.pk, "stage": "discovery",
                                                    "date": "2023-06"}, HTTP_ACCEPT_LANGUAGE="en")
    assert back.status_code == 422
    assert ('<div class="error" id="error-reason">going back from Phase 1 to Discovery needs a reason</div>'
            in back.content.decode())


def test_add_an_indication_on_the_project_page(client, world):
    project = ProjectFactory(organisation=world["enterprise"], park=world["zone"])
    client.force_login(world["users"]["enterprise_member"])
    response = client.post(f"/pipeline/{project.pk}/indications/", {"name_zh": "肝癌", "therapeutic_area": "肿瘤"})
    assert response.status_code == 302
    assert list(project.indications.values_list("name_zh", "name_en", "therapeutic_area")) == [
        ("肝癌", "Hepatocellular carcinoma", "oncology")]
    client.force_login(world["users"]["viewer"])
    assert client.post(f"/pipeline/{project.pk}/indications/", {"name_zh": "胃癌"}).status_code == 404
    assert project.indications.count() == 1


@pytest.mark.parametrize(("typed", "said"), [("癌" * 301, "超过 300 个字符"), ("肝\x00癌", "含有不允许的控制字符")])
def test_an_indication_name_too_long_or_with_a_control_character_is_refused_by_name(client, world, typed, said):
    # PostgreSQL answered an over-long name with a server error; now the page says what is wrong.
    project = ProjectFactory(organisation=world["enterprise"], park=world["zone"])
    client.force_login(world["users"]["enterprise_member"])
    response = client.post(f"/pipeline/{project.pk}/indications/", {"name_zh": typed}, follow=True)
    assert response.status_code == 200
    assert list(project.indications.all()) == []
    text = response.content.decode()
    assert said in text


def test_portfolio_filters_by_park_and_organisation_name(client, world):
    ProjectFactory(organisation=world["enterprise"], park=world["zone"], name_en="In zone")
    other = OrganisationFactory(park=world["park"], name_zh="另一家", name_en="Another Co")
    ProjectFactory(organisation=other, park=world["park"], name_en="In park")
    client.force_login(world["users"]["operator"])
    page = client.get("/pipeline/portfolio/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="park_name"' in page and 'name="organisation_name"' in page and "Park id" not in page
    page = client.get("/pipeline/portfolio/", {"organisation_name": "Another Co"},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<p>1 projects; " in page and 'value="Another Co"' in page
    assert "/pipeline/portfolio.xlsx?organisation=" in page
    missing = client.get("/pipeline/portfolio/", {"park_name": "火星园区"}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 422
    assert '<span class="error" id="error-park_name">no park called 火星园区; choose one from the suggestions</span>' in missing.content.decode()
