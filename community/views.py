from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from .models import User
from .selectors import memberships_for_user
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
        return context


class CommunityHomeView(CommunityPageMixin, TemplateView):
    """A community's start page: what the viewer's roles can open."""

    template_name = "community/community_home.html"
    resource = "community"


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
