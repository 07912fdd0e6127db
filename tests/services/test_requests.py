"""Service requests: the transition policy per role, notifications, refusals that change nothing,
attachments, and the operator's desk on a hand-computed example."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from biopark.accounts.models import Role
from biopark.core.errors import Conflict, PermissionRefused, ValidationFailed
from biopark.services import selectors, services
from biopark.services.models import Attachment, RequestEvent, ServiceRequest, State
from biopark.services.rules import TRANSITIONS
from tests.factories import OrganisationFactory, make_user
from tests.services.factories import ServiceFactory

T0 = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def desk(roles):
    provider_org = OrganisationFactory(park=roles["zone"])
    service = ServiceFactory(provider_organisation=provider_org, park=roles["zone"], target_days=10)
    users = dict(roles["users"])
    users["provider"] = make_user(Role.PLATFORM_MANAGER, organisation=provider_org, email="provider@example.org")
    users["enterprise_member"].email = "member@example.org"
    users["enterprise_member"].save()
    users["other_member"] = make_user(Role.ENTERPRISE_MEMBER, organisation=roles["other_enterprise"])
    users["other_operator"] = make_user(Role.OPERATOR, park=roles["other_park"])
    return {**roles, "service": service, "users": users, "provider_org": provider_org}


def submit(desk, now=T0):
    return services.request_submit(
        actor=desk["users"]["enterprise_member"], service=desk["service"], title="GLP tox study", now=now
    )


def move(desk, req, who, state, **kw):
    return services.request_transition(actor=desk["users"][who], request=req, to_state=state, **kw)


def test_full_cycle_notifies_every_state_change(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = submit(desk)
    assert req.due_on == dt.date(2024, 3, 11)
    # One message per recipient, each in the recipient's language (none chosen here: the site's).
    assert sorted(m.to[0] for m in mail.outbox) == ["member@example.org", "provider@example.org"]
    steps = [("provider", State.ACCEPTED), ("provider", State.IN_PROGRESS), ("provider", State.DELIVERED),
             ("enterprise_member", State.CLOSED)]
    for i, (who, state) in enumerate(steps, start=2):
        with django_capture_on_commit_callbacks(execute=True):
            move(desk, req, who, state, rating=5 if state == State.CLOSED else None)
        assert len(mail.outbox) == 2 * i
        with translation.override("zh-hans"):
            assert f"→ {state.label}：GLP tox study" in mail.outbox[-1].subject  # the reader's labels, not codes
    req.refresh_from_db()
    assert (req.state, req.rating) == (State.CLOSED, 5)
    assert [e.to_state for e in RequestEvent.objects.filter(request=req, kind="state")] == [
        "submitted", "accepted", "in_progress", "delivered", "closed"]


# (from, to): roles allowed among the users of the fixture
MATRIX = {
    (State.SUBMITTED, State.ACCEPTED): {"admin", "operator", "provider"},
    (State.SUBMITTED, State.WITHDRAWN): {"enterprise_member"},
    (State.SUBMITTED, State.CANCELLED): {"admin", "operator"},
    (State.SUBMITTED, State.REJECTED): {"admin", "operator", "provider"},
}
ROLES = ["admin", "operator", "provider", "enterprise_member", "investor", "viewer", "other_member", "other_operator"]


@pytest.mark.parametrize(("step", "allowed"), list(MATRIX.items()))
def test_transition_matrix(desk, step, allowed):
    req = submit(desk)
    for role in ROLES:
        decision = TRANSITIONS.check(desk["users"][role], req, step[1], reason="because")
        assert decision.allowed == (role in allowed), (role, step, decision.reason)
        if not decision.allowed:
            assert decision.reason


def test_refused_transitions_change_nothing(desk, django_capture_on_commit_callbacks):
    req = submit(desk)
    before = (req.state, RequestEvent.objects.count(), len(mail.outbox))
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(PermissionRefused):
            move(desk, req, "enterprise_member", State.ACCEPTED)
        with pytest.raises(Conflict):
            move(desk, req, "provider", State.DELIVERED)
        with pytest.raises(ValidationFailed) as exc:
            move(desk, req, "provider", State.REJECTED)  # a rejection needs a reason
        assert "reason" in exc.value.fields
        with pytest.raises(ValidationFailed) as exc:
            move(desk, req, "provider", "teleported")
        assert "state" in exc.value.fields
        with pytest.raises(PermissionRefused):
            move(desk, req, "other_operator", State.CANCELLED, reason="x")
    req.refresh_from_db()
    assert (req.state, RequestEvent.objects.count(), len(mail.outbox)) == before


def test_rating_must_be_1_to_5(desk):
    req = submit(desk)
    for state in (State.ACCEPTED, State.IN_PROGRESS, State.DELIVERED):
        move(desk, req, "provider", state)
    with pytest.raises(ValidationFailed) as exc:
        move(desk, req, "enterprise_member", State.CLOSED, rating=6)
    assert "rating" in exc.value.fields
    req.refresh_from_db()
    assert (req.state, req.rating) == (State.DELIVERED, None)
    services.request_rate(actor=desk["users"]["enterprise_member"], request=req, rating=4)
    with pytest.raises(PermissionRefused):
        services.request_rate(actor=desk["users"]["provider"], request=req, rating=5)
    req.refresh_from_db()
    assert req.rating == 4


def test_visibility(desk):
    req = submit(desk)
    visible = {role: selectors.visible_requests(desk["users"][role]).filter(pk=req.pk).exists() for role in ROLES}
    assert visible == {"admin": True, "operator": True, "provider": True, "enterprise_member": True,
                       "investor": False, "viewer": False, "other_member": False, "other_operator": False}


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("report.pdf", b"%PDF-1.7\n...", True),
        ("scan.png", b"\x89PNG\r\n\x1a\n....", True),
        ("photo.JPG", b"\xff\xd8\xff\xe0....", True),
        ("protocol.docx", _docx(), True),
        ("data.csv", "名称,数量\n甲,1\n".encode(), True),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", False),
        ("sheet.xlsx", _docx(), False),  # a Word file renamed
        ("tool.exe", b"MZ\x90\x00", False),
        ("noext", b"hello", False),
        ("notes.txt", b"\x00\x01\x02", False),
    ],
)
def test_attachments_checked_by_extension_and_bytes(desk, settings, tmp_path, name, content, ok):
    settings.MEDIA_ROOT = tmp_path
    req = submit(desk)
    if ok:
        att = services.attachment_add(actor=desk["users"]["enterprise_member"], request=req, name=name, content=content)
        assert (tmp_path / att.file.name).read_bytes() == content
    else:
        with pytest.raises(ValidationFailed) as exc:
            services.attachment_add(actor=desk["users"]["enterprise_member"], request=req, name=name, content=content)
        assert "file" in exc.value.fields
        assert Attachment.objects.count() == 0


def test_attachment_size_limit_and_strangers(desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.BIOPARK_ATTACHMENT_MAX_BYTES = 100
    req = submit(desk)
    with pytest.raises(ValidationFailed):
        services.attachment_add(actor=desk["users"]["provider"], request=req, name="a.txt", content=b"x" * 101)
    with pytest.raises(PermissionRefused):
        services.attachment_add(actor=desk["users"]["other_member"], request=req, name="a.txt", content=b"x")
    assert Attachment.objects.count() == 0
    assert list(tmp_path.iterdir()) == []


def test_desk_statistics_exact(desk):
    users = desk["users"]
    h = dt.timedelta(hours=1)
    # r1: accepted after 2 h, delivered after 50 h, closed with rating 4.
    r1 = submit(desk, now=T0)
    services.request_transition(actor=users["provider"], request=r1, to_state="accepted", now=T0 + 2 * h)
    services.request_transition(actor=users["provider"], request=r1, to_state="in_progress", now=T0 + 3 * h)
    services.request_transition(actor=users["provider"], request=r1, to_state="delivered", now=T0 + 50 * h)
    services.request_transition(actor=users["enterprise_member"], request=r1, to_state="closed", rating=4,
                                now=T0 + 51 * h)
    # r2: accepted after 5 h, delivered after 20 h, rated 5 at closing.
    r2 = submit(desk, now=T0 + 24 * h)
    services.request_transition(actor=users["provider"], request=r2, to_state="accepted", now=T0 + 29 * h)
    services.request_transition(actor=users["provider"], request=r2, to_state="in_progress", now=T0 + 30 * h)
    services.request_transition(actor=users["provider"], request=r2, to_state="delivered", now=T0 + 44 * h)
    services.request_transition(actor=users["enterprise_member"], request=r2, to_state="closed", rating=5,
                                now=T0 + 45 * h)
    # r3: submitted in April, still open, overdue by 2024-05-01 (due 2024-04-12).
    r3 = submit(desk, now=dt.datetime(2024, 4, 2, 9, tzinfo=dt.UTC))
    # r4: submitted 2024-04-25, open, not yet due.
    r4 = submit(desk, now=dt.datetime(2024, 4, 25, 9, tzinfo=dt.UTC))
    data = selectors.desk(user=users["operator"], today=dt.date(2024, 5, 1))
    assert [r.pk for r in data.queue] == [r3.pk, r4.pk]
    assert [r.overdue for r in data.queue] == [True, False]
    assert data.providers[0]["open"] == 2 and data.providers[0]["overdue"] == 1 and data.providers[0]["oldest_days"] == 29
    assert data.monthly == [
        {"month": "2024-03", "total": 2, "by_category": {"preclinical": 2}},
        {"month": "2024-04", "total": 2, "by_category": {"preclinical": 2}},
    ]
    pre = next(c for c in data.categories if c.category == "preclinical")
    assert pre.requests == 4
    assert pre.median_hours_to_accept == Decimal("3.50")  # median of 2 h and 5 h
    assert pre.median_hours_to_deliver == Decimal("35.00")  # median of 50 h and 20 h
    assert (pre.ratings, pre.mean_rating) == (2, Decimal("4.50"))
    assert data.overall.requests == 4
    with pytest.raises(PermissionRefused):
        selectors.desk(user=users["enterprise_member"])
    assert ServiceRequest.objects.count() == 4


def test_catalogue_fits_project_stage(desk):
    from tests.pipeline.factories import ProjectFactory

    other = ServiceFactory(category="clinical", stages=["phase1", "phase2"], provider_organisation=desk["provider_org"],
                           park=desk["zone"])
    project = ProjectFactory(organisation=desk["enterprise"], park=desk["zone"], highest_stage="phase1")
    assert selectors.services_for_project(project) == [other]
    project.highest_stage = ""
    assert selectors.services_for_project(project) == []
    assert selectors.catalogue(stage="ind") == [desk["service"]]
