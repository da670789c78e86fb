"""Django admin of the community records, for the platform operator (staff work in the
portal). Disclosures are read-only here: a change made outside the portal breaks their hash
chain, and a correction is a new version published in the portal."""

from django.contrib import admin

from community.models import (
    Activity,
    ActivitySignup,
    AgendaTopic,
    Disclosure,
    DisclosureChannel,
    Drill,
    DrillAction,
    EmergencyPlan,
    EmergencyPlanRevision,
    Incident,
    Meeting,
    MeetingAttendance,
    Opinion,
    Survey,
    SurveyQuestion,
    Training,
    VolunteerHours,
    VolunteerTeam,
)


class RecordAdmin(admin.ModelAdmin):
    list_filter = ["community"]
    list_select_related = ["community"]


class AttendanceInline(admin.TabularInline):
    model = MeetingAttendance
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(RecordAdmin):
    list_display = ["title", "kind", "held_at", "community"]
    list_filter = ["community", "kind"]
    search_fields = ["title", "minutes"]
    inlines = [AttendanceInline]


@admin.register(AgendaTopic)
class AgendaTopicAdmin(RecordAdmin):
    list_display = ["title", "status", "raised_at", "resolved_at", "community"]
    list_filter = ["community", "status", "source"]
    search_fields = ["title"]
    raw_id_fields = ["meeting", "complaint", "work_order"]


@admin.register(Opinion)
class OpinionAdmin(RecordAdmin):
    list_display = ["__str__", "channel", "received_at", "decision", "community"]
    list_filter = ["community", "channel", "decision"]
    raw_id_fields = ["submitter", "topic"]


@admin.register(Activity)
class ActivityAdmin(RecordAdmin):
    list_display = ["title", "kind", "starts_at", "capacity", "community"]
    list_filter = ["community", "kind"]
    search_fields = ["title"]


@admin.register(ActivitySignup)
class ActivitySignupAdmin(RecordAdmin):
    list_display = ["name", "activity", "source", "attended", "community"]
    raw_id_fields = ["activity", "resident", "user"]


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(RecordAdmin):
    list_display = ["name", "leader", "community"]


@admin.register(VolunteerHours)
class VolunteerHoursAdmin(RecordAdmin):
    list_display = ["name", "served_on", "hours", "team", "community"]
    raw_id_fields = ["activity", "resident", "team"]


@admin.register(DisclosureChannel)
class DisclosureChannelAdmin(RecordAdmin):
    list_display = ["channel", "started_on", "ended_on", "community"]


@admin.register(Disclosure)
class DisclosureAdmin(RecordAdmin):
    list_display = ["title", "kind", "version", "published_at", "seq", "community"]
    list_filter = ["community", "kind"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class QuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0


@admin.register(Survey)
class SurveyAdmin(RecordAdmin):
    list_display = ["title", "opens_at", "closes_at", "scope", "is_anonymous", "community"]
    inlines = [QuestionInline]


class RevisionInline(admin.TabularInline):
    model = EmergencyPlanRevision
    extra = 0


@admin.register(EmergencyPlan)
class EmergencyPlanAdmin(RecordAdmin):
    list_display = ["title", "kind", "in_force_from", "retired_on", "community"]
    inlines = [RevisionInline]


class DrillActionInline(admin.TabularInline):
    model = DrillAction
    extra = 0


@admin.register(Drill)
class DrillAdmin(RecordAdmin):
    list_display = ["title", "held_at", "participants", "community"]
    inlines = [DrillActionInline]


@admin.register(Incident)
class IncidentAdmin(RecordAdmin):
    list_display = ["title", "kind", "reported_at", "first_response_at", "resolved_at", "community"]
    list_filter = ["community", "kind"]


@admin.register(Training)
class TrainingAdmin(RecordAdmin):
    list_display = ["topic", "held_on", "hours", "community"]
