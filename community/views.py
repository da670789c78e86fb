from dataclasses import replace

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView
from rest_framework.authtoken.models import Token

from tickets.views import intake_card

from . import nav
from .models import Membership, User
from .selectors import compound_list, memberships_for_user
from .tenancy import CommunityPageMixin


class HomeView(LoginRequiredMixin, TemplateView):
    """The user's communities, each with the roles held there."""

    template_name = "community/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_community: dict = {}
        for membership in memberships_for_user(user=self.request.user):
            by_community.setdefault(membership.community, []).append(membership)
        context["communities"] = by_community
        context["street_officer"] = any(
            m.role == Membership.Role.STREET_OFFICER for ms in by_community.values() for m in ms
        )
        return context


class CommunityHomeView(CommunityPageMixin, TemplateView):
    """A community's start page: its compounds and cards for what the viewer's roles can open."""

    template_name = "community/community_home.html"
    resource = "community"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["compounds"] = compound_list(community=self.community)
        context["sections"] = [
            (label, [start_card(link, self.roles) for link in links])
            for label, links in nav.links_for(self.tenancy)
        ]
        context["timezone_label"] = self.community.timezone_label
        return context


def start_card(link: nav.NavLink, roles: frozenset[str]) -> nav.NavLink:
    """The start page's card of `link`: the intake pages speak to a resident, or to staff who
    enter requests on a resident's behalf (tickets.views.INTAKE_CARDS)."""
    wording = intake_card(link.entry.url_name, roles)
    if wording is None:
        return link
    label, description = wording
    return replace(link, entry=replace(link.entry, label=label, description=description))


class LanguageView(LoginRequiredMixin, View):
    """POST `language` (zh-hans or en): stores the user's choice and returns to `next`."""

    def post(self, request):
        language = request.POST.get("language", "")
        if language in dict(User._meta.get_field("language").choices):
            request.user.language = language
            request.user.save(update_fields=["language"])
            translation.activate(language)
        target = request.POST.get("next") or reverse("community:home")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = reverse("community:home")
        return HttpResponseRedirect(target)


class ApiTokenView(LoginRequiredMixin, TemplateView):
    """The user's API token (DRF TokenAuthentication: `Authorization: Token <key>`).

    GET shows the current token, if any; POST creates one or replaces it (the old key stops
    working at once).
    """

    template_name = "community/api_token.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["token"] = Token.objects.filter(user=self.request.user).first()
        return context

    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        Token.objects.create(user=request.user)
        return HttpResponseRedirect(reverse("community:api-token"))
