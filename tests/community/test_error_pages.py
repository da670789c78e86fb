"""403, 404 and 500 pages in the site's design and language; a refused request logs one
WARNING line without a traceback; one log handler; /favicon.ico answers."""

import logging

from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from community.models import Membership

Role = Membership.Role


def test_404_is_the_sites_page_in_chinese(page_as, world):
    response = page_as(world.a.users[Role.RESIDENT]).get(f"/c/{world.b.community.slug}/")
    assert response.status_code == 404
    html = response.text
    assert '<h1 class="h4">页面不存在</h1>' in html
    assert "此页面不存在，或属于您尚未加入的社区。" in html
    assert '<a class="btn btn-primary" href="/">返回我的社区</a>' in html
    assert "gz-navbar" in html and 'id="error-page"' in html


def test_403_is_the_sites_page_and_logs_one_line_without_traceback(page_as, world, caplog):
    client = page_as(world.a.users[Role.EVALUATOR])
    with caplog.at_level(logging.INFO):
        response = client.get(f"/c/{world.a.community.slug}/complaints/new/")
    assert response.status_code == 403
    assert '<h1 class="h4">您的角色无权打开此页面</h1>' in response.text
    assert "返回我的社区" in response.text
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in refused] == [
        (
            "WARNING",
            f"Forbidden (Permission denied): /c/{world.a.community.slug}/complaints/new/",
            None,
        )
    ]


def test_500_renders_without_a_request_context():
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<h1 class="h4">系统出了点问题</h1>' in html
    assert "错误已记录。请几分钟后再试；如果一直出现，请告知社区工作人员。" in html
    assert "/static/css/gongzhi.css" in html


def test_one_handler_prints_each_line():
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate
    assert len(logging.getLogger().handlers) >= 1
    assert logging.getLogger("django.request").level == logging.WARNING


def test_favicon(client, settings):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/static/img/gongzhi.svg")
    assert not settings.AXES_VERBOSE
