"""The ticket core shared by complaints (complaints/) and work orders (property_ops/).

One table holds both kinds, so every ticket figure of METRICS.md is one set-based query.
State is derived from the append-only event log (`TicketEvent`); the derived columns on
`Ticket` (status, first_response_at, resolved_at, closed_at, handoff_count) are the state
*now*, kept for queues. Metrics replay the log up to `as_of` instead (reports/).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models import Organisation, TenantModel
from residents.models import Building, Household, Unit


class ResponsibleParty(models.TextChoices):
    """The responsibility list (权责清单): who answers for a category of matter."""

    NEIGHBOURHOOD_COMMITTEE = "neighbourhood_committee", _("居委会")
    PROPERTY_COMPANY = "property_company", _("物业服务企业")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    OUTSIDE_BODY = "outside_body", _("外部单位")


class TicketKind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    WORK_ORDER = "work_order", _("工单")


class Category(TenantModel):
    """A kind of matter, with its responsible party and SLA targets.

    A target is `value` in `unit`: calendar hours, or China working days (METRICS.md, Time).
    A null target means "no SLA": such tickets are outside the on-time rates.
    """

    class TargetUnit(models.TextChoices):
        HOURS = "hours", _("小时")
        WORKING_DAYS = "working_days", _("工作日")

    kind = models.CharField(_("类别"), max_length=16, choices=TicketKind.choices)
    code = models.SlugField(_("代码"), max_length=64)
    name = models.CharField(_("名称"), max_length=100)
    responsible_party = models.CharField(
        _("责任方"), max_length=32, choices=ResponsibleParty.choices
    )
    is_facility_fault = models.BooleanField(_("设备设施故障"), default=False)
    is_property_service = models.BooleanField(_("针对物业服务"), default=False)
    response_target = models.PositiveIntegerField(_("响应时限"), null=True, blank=True)
    response_unit = models.CharField(
        max_length=16, choices=TargetUnit.choices, default=TargetUnit.HOURS
    )
    resolution_target = models.PositiveIntegerField(_("办结时限"), null=True, blank=True)
    resolution_unit = models.CharField(
        max_length=16, choices=TargetUnit.choices, default=TargetUnit.WORKING_DAYS
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="category_code_uniq")
        ]
        verbose_name = _("事项类别")
        verbose_name_plural = _("事项类别")

    def __str__(self) -> str:
        return self.name


class Ticket(TenantModel):
    """A complaint or a work order."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("已受理")
        DISPATCHED = "dispatched", _("已派单")
        IN_PROGRESS = "in_progress", _("处理中")
        RESOLVED = "resolved", _("已办结")
        CLOSED = "closed", _("已关闭")
        REOPENED = "reopened", _("已重开")
        REJECTED = "rejected", _("不予受理")
        CANCELLED = "cancelled", _("已撤销")
        DUPLICATE = "duplicate", _("重复合并")

    class Channel(models.TextChoices):
        WEB = "web", _("网页")
        APP = "app", _("手机应用")
        MINI_PROGRAM = "mini_program", _("小程序")
        PHONE = "phone", _("电话")
        VISIT = "visit", _("来访")
        OPINION_BOX = "opinion_box", _("意见箱")
        BUILDING_CAPTAIN = "building_captain", _("楼栋长代报")
        HOTLINE_12345 = "hotline_12345", _("12345 热线转办")
        STAFF = "staff", _("工作人员发现")
        OTHER = "other", _("其他")

    INELIGIBLE = (Status.REJECTED, Status.CANCELLED, Status.DUPLICATE)
    DONE = (Status.RESOLVED, Status.CLOSED)
    ONLINE_CHANNELS = (Channel.WEB, Channel.APP, Channel.MINI_PROGRAM)

    kind = models.CharField(_("类别"), max_length=16, choices=TicketKind.choices)
    number = models.CharField(_("编号"), max_length=40, blank=True)
    source = models.CharField(_("来源系统"), max_length=32, default="portal")
    external_id = models.CharField(_("原系统编号"), max_length=64, blank=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("事项类别"), on_delete=models.PROTECT, related_name="tickets"
    )
    title = models.CharField(_("标题"), max_length=200, blank=True)
    description = models.TextField(_("描述"), blank=True)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_tickets",
    )
    submitter_name = models.CharField(_("提交人姓名"), max_length=50, blank=True)
    submitter_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("楼栋"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单元"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    location_text = models.CharField(_("位置"), max_length=300, blank=True)

    submitted_at = models.DateTimeField(_("提交时间"))
    response_due_at = models.DateTimeField(_("响应截止"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("办结截止"), null=True, blank=True)

    # Derived from the event log: the state now (see module docstring).
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    first_response_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    handoff_count = models.PositiveIntegerField(_("转办次数"), default=0)
    paused_since = models.DateTimeField(_("等待提交人自"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("累计暂停秒数"), default=0)

    responsible_party = models.CharField(
        _("责任方"), max_length=32, choices=ResponsibleParty.choices
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    assigned_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("处理单位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_supervised = models.BooleanField(_("督办"), default=False)
    supervision_due_at = models.DateTimeField(_("督办期限"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("来源投诉"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="spawned",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    idempotency_key = models.CharField(max_length=64, blank=True)
    # Import findings (METRICS.md, Imported and inconsistent records): codes such as
    # "closed_without_close_time", "close_time_on_open_ticket", "negative_duration",
    # "clock_skew", "ambiguous_time", "nonexistent_time".
    data_flags = models.JSONField(_("数据标记"), default=list, blank=True)
    exclude_from_durations = models.BooleanField(default=False)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"],
                condition=~models.Q(number=""),
                name="ticket_number_uniq",
            ),
            models.UniqueConstraint(
                fields=["community", "source", "external_id"],
                condition=~models.Q(external_id=""),
                name="ticket_external_id_uniq",
            ),
            models.UniqueConstraint(
                fields=["community", "submitter", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="ticket_idempotency_uniq",
            ),
        ]
        indexes = [
            # Metrics and queues: a community's tickets of a period.
            models.Index(fields=["community", "kind", "submitted_at"], name="ticket_period_idx"),
            # Queues: counts by status.
            models.Index(fields=["community", "status"], name="ticket_status_idx"),
        ]
        verbose_name = _("工单/投诉")
        verbose_name_plural = _("工单/投诉")

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class TicketEvent(TenantModel):
    """One append-only fact about a ticket: a transition, a reply, a rating, a hand-off, ...

    `at` is the instant it happened (UTC); `to_status` is set on transitions only.
    """

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("状态变更")
        REPLY = "reply", _("答复")
        ASSIGN = "assign", _("派单")
        TRANSFER = "transfer", _("转办")
        SUPERVISE = "supervise", _("督办")
        RATE = "rate", _("评价")
        PAUSE = "pause", _("等待提交人")
        RESUME = "resume", _("恢复计时")
        FOLLOW_UP = "follow_up", _("回访")
        MERGE = "merge", _("合并")
        NOTE = "note", _("备注")

    class ActorKind(models.TextChoices):
        STAFF = "staff", _("工作人员")
        SUBMITTER = "submitter", _("提交人")
        SYSTEM = "system", _("系统")
        IMPORT = "import", _("导入")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_status = models.CharField(max_length=16, choices=Ticket.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Ticket.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # Replaying a ticket's log up to as_of (reports/) and the timeline page.
            models.Index(fields=["community", "ticket", "at"], name="ticketevent_replay_idx"),
        ]
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
