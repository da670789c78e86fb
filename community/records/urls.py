"""Routes of the community records: pages under /c/<slug>/, the public disclosure page under
/p/<slug>/disclosures/, the API under /api/v1/c/<slug>/ (mounted by community/urls.py)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from rest_framework.routers import SimpleRouter

from community import nav

from . import api, views

C = "c/<slug:slug>/"


def crud(prefix: str, kind: str, list_view, detail, form) -> list:
    """list, detail, create and edit pages of one kind, named <kind>-list/-detail/-create/-edit."""
    return [
        path(f"{C}{prefix}/", list_view.as_view(), name=f"{kind}-list"),
        path(f"{C}{prefix}/new/", form.as_view(), name=f"{kind}-create"),
        path(f"{C}{prefix}/<int:pk>/", detail.as_view(), name=f"{kind}-detail"),
        path(f"{C}{prefix}/<int:pk>/edit/", form.as_view(), name=f"{kind}-edit"),
    ]


urlpatterns = [
    *crud("meetings", "meeting", views.MeetingList, views.MeetingDetail, views.MeetingForm),
    path(
        f"{C}meetings/attachments/<int:pk>/",
        views.MeetingAttachmentDownload.as_view(),
        name="meeting-attachment",
    ),
    *crud(
        "topics",
        "agenda-topic",
        views.AgendaTopicList,
        views.AgendaTopicDetail,
        views.AgendaTopicForm,
    ),
    path(
        f"{C}topics/<int:pk>/work-order/",
        views.AgendaTopicWorkOrder.as_view(),
        name="agenda-topic-work-order",
    ),
    path(f"{C}opinions/", views.OpinionList.as_view(), name="opinion-list"),
    path(f"{C}opinions/new/", views.OpinionCreate.as_view(), name="opinion-create"),
    path(f"{C}opinions/<int:pk>/", views.OpinionDetail.as_view(), name="opinion-detail"),
    path(f"{C}opinions/<int:pk>/edit/", views.OpinionDecide.as_view(), name="opinion-edit"),
    *crud("activities", "activity", views.ActivityList, views.ActivityDetail, views.ActivityForm),
    path(
        f"{C}activities/<int:pk>/sign-up/", views.ActivitySignUp.as_view(), name="activity-signup"
    ),
    path(
        f"{C}activities/<int:pk>/withdraw/",
        views.ActivityWithdraw.as_view(),
        name="activity-withdraw",
    ),
    path(
        f"{C}activities/<int:pk>/attendance/",
        views.ActivityAttendance.as_view(),
        name="activity-attendance",
    ),
    *crud(
        "volunteers/teams",
        "volunteer-team",
        views.VolunteerTeamList,
        views.VolunteerTeamDetail,
        views.VolunteerTeamForm,
    ),
    *crud(
        "volunteers/hours",
        "volunteer-hours",
        views.VolunteerHoursList,
        views.VolunteerHoursDetail,
        views.VolunteerHoursForm,
    ),
    path(f"{C}disclosures/", views.DisclosureList.as_view(), name="disclosure-list"),
    path(f"{C}disclosures/new/", views.DisclosureCreate.as_view(), name="disclosure-create"),
    path(
        f"{C}disclosures/channels/", views.DisclosureChannels.as_view(), name="disclosure-channels"
    ),
    path(f"{C}disclosures/<int:pk>/", views.DisclosureDetail.as_view(), name="disclosure-detail"),
    path(
        f"{C}disclosures/<int:pk>/correct/",
        views.DisclosureCorrect.as_view(),
        name="disclosure-correct",
    ),
    path(
        f"{C}disclosures/<int:pk>/object/",
        views.DisclosureObject.as_view(),
        name="disclosure-object",
    ),
    path(
        "p/<slug:slug>/disclosures/", views.PublicDisclosures.as_view(), name="public-disclosures"
    ),
    path(
        "p/<slug:slug>/disclosures/<int:pk>/",
        views.PublicDisclosures.as_view(),
        name="public-disclosure",
    ),
    path(
        "p/<slug:slug>/disclosures/documents/<int:pk>/",
        views.PublicDocument.as_view(),
        name="public-document",
    ),
    *crud("surveys", "survey", views.SurveyList, views.SurveyDetail, views.SurveyForm),
    path(f"{C}surveys/<int:pk>/answer/", views.SurveyAnswer.as_view(), name="survey-answer"),
    *crud(
        "emergency/plans",
        "emergency-plan",
        views.EmergencyPlanList,
        views.EmergencyPlanDetail,
        views.EmergencyPlanForm,
    ),
    path(
        f"{C}emergency/plans/<int:pk>/revisions/new/",
        views.PlanRevisionCreate.as_view(),
        name="plan-revision-create",
    ),
    path(
        f"{C}emergency/revisions/<int:pk>/document/",
        views.PlanRevisionDownload.as_view(),
        name="plan-revision-document",
    ),
    *crud("emergency/drills", "drill", views.DrillList, views.DrillDetail, views.DrillForm),
    path(
        f"{C}emergency/drill-actions/<int:pk>/done/",
        views.DrillActionDone.as_view(),
        name="drill-action-done",
    ),
    *crud(
        "emergency/incidents",
        "incident",
        views.IncidentList,
        views.IncidentDetail,
        views.IncidentForm,
    ),
    *crud("trainings", "training", views.TrainingList, views.TrainingDetail, views.TrainingForm),
    path(f"{C}records/import/<slug:what>/", views.RecordImport.as_view(), name="records-import"),
]

router = SimpleRouter()
router.register("meetings", api.MeetingViewSet, basename="meeting")
router.register("agenda-topics", api.AgendaTopicViewSet, basename="agenda-topic")
router.register("opinions", api.OpinionViewSet, basename="opinion")
router.register("activities", api.ActivityViewSet, basename="activity")
router.register("activity-signups", api.ActivitySignupViewSet, basename="activity-signup")
router.register("volunteer-teams", api.VolunteerTeamViewSet, basename="volunteer-team")
router.register("volunteer-hours", api.VolunteerHoursViewSet, basename="volunteer-hours")
router.register("disclosure-channels", api.DisclosureChannelViewSet, basename="disclosure-channel")
router.register("disclosures", api.DisclosureViewSet, basename="disclosure")
router.register("surveys", api.SurveyViewSet, basename="survey")
router.register("survey-responses", api.SurveyResponseViewSet, basename="survey-response")
router.register("emergency-plans", api.EmergencyPlanViewSet, basename="emergency-plan")
router.register("plan-revisions", api.PlanRevisionViewSet, basename="plan-revision")
router.register("drills", api.DrillViewSet, basename="drill")
router.register("drill-actions", api.DrillActionViewSet, basename="drill-action")
router.register("incidents", api.IncidentViewSet, basename="incident")
router.register("trainings", api.TrainingViewSet, basename="training")
api_urlpatterns = [
    *router.urls,
    path("records/import/<slug:what>/", api.RecordImportView.as_view(), name="records-import"),
]

R = "records"
nav.register(
    "community:meeting-list",
    _("Meetings"),
    resource="meeting",
    section=R,
    icon="people",
    description=_("Joint meetings, owners' committee meetings, forums"),
)
nav.register(
    "community:agenda-topic-list",
    _("Agenda topics"),
    resource="agenda_topic",
    section=R,
    icon="list-check",
    description=_("Matters raised and followed to the end"),
)
nav.register(
    "community:opinion-list",
    _("Resident opinions"),
    resource="opinion",
    section=R,
    icon="chat-square-text",
    description=_("Suggestions from every channel"),
)
nav.register(
    "community:activity-list",
    _("Activities"),
    resource="activity",
    section=R,
    icon="calendar-event",
    description=_("Community activities and sign-up"),
)
nav.register(
    "community:volunteer-hours-list",
    _("Volunteer hours"),
    resource="volunteer_hours",
    section=R,
    icon="heart",
    description=_("Volunteer teams and hours served"),
)
nav.register(
    "community:disclosure-list",
    _("Disclosures"),
    resource="disclosure",
    section=R,
    icon="megaphone",
    description=_("Published accounts and reports"),
)
nav.register(
    "community:survey-list",
    _("Surveys"),
    resource="survey",
    section=R,
    icon="ui-checks",
    description=_("Questionnaires and their results"),
)
nav.register(
    "community:emergency-plan-list",
    _("Emergency"),
    resource="emergency_plan",
    section=R,
    icon="shield-exclamation",
    description=_("Plans, drills and incidents"),
)
nav.register(
    "community:training-list",
    _("Trainings"),
    resource="training",
    section=R,
    icon="mortarboard",
    description=_("Staff trainings and attendance"),
)
