"""Service desk pages: each role sees what the policy lets it see; refusals through the page change nothing
and show the reason; comments, attachments, ratings and the desk's exact figures through the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from biopark.accounts.models import Role
from biopark.core.formatting import format_date
from biopark.services import services
from biopark.services.models import Attachment, RequestEvent, ServiceRequest, State
from tests.factories import OrganisationFactory, make_user
from tests.pipeline.factories import ProjectFactory
from tests.services.factories import ServiceFactory

T0 = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def desk(roles):
    provider_org = OrganisationFactory(park=roles["zone"], name_en="Provider Ltd", name_zh="服务商")
    service = ServiceFactory(
        provider_organisation=provider_org, park=roles["zone"], target_days=10, name_en="GLP toxicology",
        name_zh="GLP毒理",
    )
    users = dict(roles["users"])
    users["provider"] = make_user(Role.PLATFORM_MANAGER, organisation=provider_org)
    users["other_member"] = make_user(Role.ENTERPRISE_MEMBER, organisation=roles["other_enterprise"])
    users["other_operator"] = make_user(Role.OPERATOR, park=roles["other_park"])
    return {**roles, "service": service, "users": users, "provider_org": provider_org}


def submit(desk, title="GLP tox study", now=None):
    return services.request_submit(
        actor=desk["users"]["enterprise_member"], service=desk["service"], title=title, now=now
    )


def test_catalogue_filters_and_project_fit(client, desk):
    clinical = ServiceFactory(category="clinical", stages=["phase1", "phase2"], name_en="Phase I unit",
                              provider_organisation=desk["provider_org"], park=desk["zone"])
    client.cookies["django_language"] = "en"
    page = client.get("/services/").content.decode()
    assert "GLP toxicology" in page and "Phase I unit" in page
    page = client.get("/services/?category=clinical").content.decode()
    assert "Phase I unit" in page and "GLP toxicology" not in page
    page = client.get("/services/?stage=ind").content.decode()
    assert "GLP toxicology" in page and "Phase I unit" not in page
    bad = client.get("/services/?stage=teleport")
    assert bad.status_code == 400 and "stage must be one of" in bad.content.decode()
    project = ProjectFactory(organisation=desk["enterprise"], park=desk["zone"], highest_stage="phase1")
    client.force_login(desk["users"]["enterprise_member"])
    page = client.get(f"/services/?project={project.pk}").content.decode()
    assert "Phase I unit" in page and "GLP toxicology" not in page
    assert f"/services/{clinical.pk}/?project={project.pk}" in page
    # Someone else's private project is not a way to learn about it.
    client.force_login(desk["users"]["other_member"])
    refused = client.get(f"/services/?project={project.pk}")
    # ... nor to learn that it exists: refused exactly like a missing project.
    assert refused.status_code == 404 and "Phase I unit" not in refused.content.decode()


def test_request_this_service_through_the_page(client, desk):
    project = ProjectFactory(organisation=desk["enterprise"], park=desk["zone"])
    client.force_login(desk["users"]["enterprise_member"])
    page = client.get(f"/services/{desk['service'].pk}/")
    assert page.status_code == 200 and 'name="title"' in page.content.decode()
    response = client.post(f"/services/{desk['service'].pk}/",
                           {"title": "Two-week tox", "details": "rats", "project": project.pk})
    created = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/services/requests/{created.pk}/"
    assert (created.title, created.project_id, created.state) == ("Two-week tox", project.pk, State.SUBMITTED)
    # An empty title is refused on the page, nothing is created.
    response = client.post(f"/services/{desk['service'].pk}/", {"title": "  "})
    assert response.status_code == 422 and "服务申请需要标题" in response.content.decode()
    assert ServiceRequest.objects.count() == 1
    # An operator cannot request services: no form, and a post is refused.
    client.force_login(desk["users"]["operator"])
    page = client.get(f"/services/{desk['service'].pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="title"' not in page and "service requests are made by members of an enterprise" in page
    assert client.post(f"/services/{desk['service'].pk}/", {"title": "x"}).status_code == 403
    assert ServiceRequest.objects.count() == 1


LIST_SEES = {"admin": True, "operator": True, "provider": True, "enterprise_member": True,
             "platform_manager": True, "investor": False, "viewer": False, "other_member": False,
             "other_operator": False}


@pytest.mark.parametrize(("role", "sees"), list(LIST_SEES.items()))
def test_request_list_and_page_per_role(client, desk, role, sees):
    req = submit(desk, title="Visible-or-not request")
    client.force_login(desk["users"][role])
    listing = client.get("/services/requests/")
    assert listing.status_code == 200
    assert ("Visible-or-not request" in listing.content.decode()) is sees
    page = client.get(f"/services/requests/{req.pk}/")
    assert page.status_code == (200 if sees else 404)  # a request one may not see reads as missing
    assert client.get(f"/services/{desk['service'].pk}/").status_code == 200
    assert client.get("/services/").status_code == 200


def test_anonymous_is_sent_to_sign_in(client, desk):
    req = submit(desk)
    assert client.get("/services/").status_code == 200
    for url in ("/services/requests/", "/services/desk/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # One request: answered like a missing one (no existence oracle); the page offers "Sign in".
    assert client.get(f"/services/requests/{req.pk}/").status_code == 404


def test_buttons_follow_the_transition_policy(client, desk):
    req = submit(desk)
    client.cookies["django_language"] = "en"
    client.force_login(desk["users"]["enterprise_member"])
    page = client.get(f"/services/requests/{req.pk}/").content.decode()
    # The requester sees only what it may do (withdraw), named as a verb; moves it may not make are not shown.
    assert 'data-action="withdrawn">Withdraw</button>' in page
    assert 'data-action="accepted"' not in page and "disabled" not in page
    client.force_login(desk["users"]["provider"])
    page = client.get(f"/services/requests/{req.pk}/").content.decode()
    assert 'data-action="accepted">Accept</button>' in page and 'data-action="rejected">Reject</button>' in page
    assert 'data-action="withdrawn"' not in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/services/requests/{req.pk}/").content.decode()
    assert 'data-action="accepted">受理</button>' in page


def test_refused_transition_via_the_page_changes_nothing(client, desk):
    req = submit(desk)
    before = (RequestEvent.objects.count(), ServiceRequest.objects.get().state)
    client.cookies["django_language"] = "en"
    client.force_login(desk["users"]["enterprise_member"])
    response = client.post(f"/services/requests/{req.pk}/transition", {"state": "accepted"})
    assert response.status_code == 403
    assert "only an administrator or the park operator or the provider may move a request in state Submitted" in response.content.decode()
    # The htmx form gets the panel back with the reason, 422 for a rejection without its reason.
    client.force_login(desk["users"]["provider"])
    response = client.post(f"/services/requests/{req.pk}/transition", {"state": "rejected"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 422 and "moving to Rejected needs a reason" in body
    assert body.lstrip().startswith('<div id="panel"') and "<html" not in body
    response = client.post(f"/services/requests/{req.pk}/transition", {"state": "delivered"})
    assert response.status_code == 409 and "a request in state Submitted cannot become Delivered" in response.content.decode()
    assert (RequestEvent.objects.count(), ServiceRequest.objects.get().state) == before


def test_transitions_comment_assign_rate_through_the_page(client, desk):
    req = submit(desk)
    client.force_login(desk["users"]["provider"])
    response = client.post(f"/services/requests/{req.pk}/transition", {"state": "accepted"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert ServiceRequest.objects.get().state == State.ACCEPTED
    response = client.post(f"/services/requests/{req.pk}/assign", {"assignee": desk["users"]["provider"].pk})
    assert response.status_code == 302
    assert ServiceRequest.objects.get().assignee_id == desk["users"]["provider"].pk
    response = client.post(f"/services/requests/{req.pk}/assign", {"assignee": desk["users"]["viewer"].pk})
    assert response.status_code == 422 and ServiceRequest.objects.get().assignee_id == desk["users"]["provider"].pk
    response = client.post(f"/services/requests/{req.pk}/comment", {"text": "Study starts Monday."},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Study starts Monday." in response.content.decode()
    assert RequestEvent.objects.filter(kind="comment", text="Study starts Monday.").count() == 1
    response = client.post(f"/services/requests/{req.pk}/comment", {"text": "  "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "评论为空" in response.content.decode()
    for state in ("in_progress", "delivered"):
        assert client.post(f"/services/requests/{req.pk}/transition", {"state": state}).status_code == 302
    # The provider may not rate; the requester closes with a rating, then changes it with the rating form.
    assert client.post(f"/services/requests/{req.pk}/rate", {"rating": "5"}).status_code == 403
    client.force_login(desk["users"]["enterprise_member"])
    page = client.get(f"/services/requests/{req.pk}/").content.decode()
    assert f'action="/services/requests/{req.pk}/rate"' in page
    assert client.post(f"/services/requests/{req.pk}/transition", {"state": "closed", "rating": "4"}).status_code == 302
    req.refresh_from_db()
    assert (req.state, req.rating) == (State.CLOSED, 4)
    response = client.post(f"/services/requests/{req.pk}/rate", {"rating": "9"})
    assert response.status_code == 422
    assert client.post(f"/services/requests/{req.pk}/rate", {"rating": "5", "comment": "quick"}).status_code == 302
    req.refresh_from_db()
    assert (req.rating, req.rating_comment) == (5, "quick")
    page = client.get(f"/services/requests/{req.pk}/").content.decode()
    assert "Study starts Monday." in page and "已交付 → <strong>已关闭</strong>" in page  # labels, not codes
    assert f"已指派给 {desk['users']['provider'].username}" in page


def test_attachment_upload_and_download_through_the_page(client, desk, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    req = submit(desk)
    client.force_login(desk["users"]["enterprise_member"])
    pdf = SimpleUploadedFile("protocol.pdf", b"%PDF-1.7\nhello", content_type="application/pdf")
    response = client.post(f"/services/requests/{req.pk}/attach", {"file": pdf}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "protocol.pdf" in response.content.decode()
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.size, attachment.kind) == ("protocol.pdf", 14, "pdf")
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(f"/services/requests/{req.pk}/attach", {"file": fake}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "文件内容不是 .pdf 文件" in response.content.decode()
    assert Attachment.objects.count() == 1
    settings.BIOPARK_ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("big.txt", b"x" * 11)
    response = client.post(f"/services/requests/{req.pk}/attach", {"file": big})
    assert response.status_code == 422 and Attachment.objects.count() == 1
    download = client.get(f"/services/requests/{req.pk}/files/{attachment.pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.7\nhello"
    assert 'filename="protocol.pdf"' in download["Content-Disposition"]
    client.force_login(desk["users"]["other_member"])
    assert client.get(f"/services/requests/{req.pk}/files/{attachment.pk}").status_code == 404
    other = SimpleUploadedFile("a.txt", b"hello")
    assert client.post(f"/services/requests/{req.pk}/attach", {"file": other}).status_code == 404
    assert Attachment.objects.count() == 1


def test_overdue_flag_on_the_request_page(client, desk):
    old = submit(desk, title="Old one", now=timezone.now() - dt.timedelta(days=30))
    new = submit(desk, title="New one")
    client.force_login(desk["users"]["operator"])
    assert 'id="overdue"' in client.get(f"/services/requests/{old.pk}/").content.decode()
    assert 'id="overdue"' not in client.get(f"/services/requests/{new.pk}/").content.decode()
    listing = client.get("/services/requests/?overdue=1").content.decode()
    assert "Old one" in listing and "New one" not in listing


@pytest.mark.parametrize("role", ["enterprise_member", "provider", "investor", "viewer", "platform_manager"])
def test_desk_is_for_operators(client, desk, role):
    client.force_login(desk["users"][role])
    response = client.get("/services/desk/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "the service desk is for park operators and administrators" in response.content.decode()


def test_desk_page_exact_numbers(client, desk):
    users, h = desk["users"], dt.timedelta(hours=1)

    def move(req, who, state, at, **kw):
        services.request_transition(actor=users[who], request=req, to_state=state, now=at, **kw)

    # Two March requests: accepted after 2 h and 5 h, delivered after 50 h and 20 h, rated 4 and 5.
    r1 = submit(desk, title="March A", now=T0)
    move(r1, "provider", "accepted", T0 + 2 * h)
    move(r1, "provider", "in_progress", T0 + 3 * h)
    move(r1, "provider", "delivered", T0 + 50 * h)
    move(r1, "enterprise_member", "closed", T0 + 51 * h, rating=4)
    r2 = submit(desk, title="March B", now=T0 + 24 * h)
    move(r2, "provider", "accepted", T0 + 29 * h)
    move(r2, "provider", "in_progress", T0 + 30 * h)
    move(r2, "provider", "delivered", T0 + 44 * h)
    move(r2, "enterprise_member", "closed", T0 + 45 * h, rating=5)
    # One request open for far longer than its 10 days (overdue), one fresh request.
    r3 = submit(desk, title="Overdue C", now=timezone.now() - dt.timedelta(days=40))
    r4 = submit(desk, title="Fresh D", now=timezone.now())
    client.cookies["django_language"] = "en"
    client.force_login(users["operator"])
    response = client.get("/services/desk/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 open requests, 1 overdue" in body
    # Queue: the overdue request first.
    queue = body.split('id="queue"')[1].split("</table>")[0]
    assert queue.index("Overdue C") < queue.index("Fresh D")
    assert f'<a href="/services/requests/{r3.pk}/">' in queue and f'<a href="/services/requests/{r4.pk}/">' in queue
    providers = body.split('id="providers"')[1].split("</table>")[0]
    assert "<td>Provider Ltd</td><td>2</td><td>1</td><td>40</td>" in providers
    monthly = body.split('id="monthly"')[1].split("</table>")[0]
    assert "<td>Mar 2024</td><td>2</td>" in monthly  # months as an English reader writes them
    this_month = format_date(timezone.localdate(), "en", precision="month")
    forty_ago = format_date(timezone.localdate(timezone.now() - dt.timedelta(days=40)), "en", precision="month")
    if this_month == forty_ago:
        assert f"<td>{this_month}</td><td>2</td>" in monthly
    else:
        assert f"<td>{this_month}</td><td>1</td>" in monthly and f"<td>{forty_ago}</td><td>1</td>" in monthly
    cats = body.split('id="categories"')[1].split("</table>")[0]
    # Medians: accept (2 h, 5 h) → 3.50; deliver (50 h, 20 h) → 35.00; ratings 4 and 5 → 4.50.
    assert "<td>Preclinical evaluation</td><td>4</td><td>3.50</td><td>35.00</td><td>2</td><td>4.50</td>" in cats
    assert "<td><strong>All</strong></td><td>4</td><td>3.50</td><td>35.00</td><td>2</td><td>4.50</td>" in cats
    assert '<svg class="chart"' in body and "<script>" not in body and "style=" not in body
