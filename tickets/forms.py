"""Page forms of tickets: intake (a resident's own, or staff on behalf of a resident) and one
form per action of the ticket page. Forms parse input and offer only the page's community's
rows; tickets.services decides and raises the domain errors (tickets/views.py shows them)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Community, Membership, Organisation, User
from property_ops.forms import DateTimeInput, household_choices
from residents.models import Building, Household, Resident, Unit
from residents.selectors import building_list, unit_list

from . import photos, rules
from .models import Category, ResponsibleParty, Ticket, TicketKind
from .selectors import dispatch_organisations

Role = Membership.Role
NOTE = forms.Textarea(attrs={"rows": 3})
# The channels a request reaches staff through when they enter it on a resident's behalf.
ON_BEHALF_CHANNELS = [
    Ticket.Channel.PHONE,
    Ticket.Channel.VISIT,
    Ticket.Channel.OPINION_BOX,
    Ticket.Channel.BUILDING_CAPTAIN,
    Ticket.Channel.HOTLINE_12345,
    Ticket.Channel.STAFF,
    Ticket.Channel.OTHER,
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to 6 pictures, cleaned by tickets.photos (content check, re-encoding, limits);
    `cleaned_data` holds a list of photos.CleanPhoto."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Photos"))
        kwargs.setdefault("help_text", _("Up to 6 photos: JPEG, PNG or WebP, at most 10 MB each."))
        super().__init__(
            required=False, widget=MultipleFileInput(attrs={"accept": photos.ACCEPT}), **kwargs
        )

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        return photos.photos_clean(uploads)


def building_label(building: Building) -> str:
    """幸福里一期 1号楼: several compounds of a community may each have a 1号楼."""
    return f"{building.compound.name} {building.name}"


def unit_label(unit: Unit) -> str:
    """幸福里一期 1号楼1单元."""
    return f"{building_label(unit.building)}{unit.name}"


def is_on_behalf(roles: frozenset[str], kind: str) -> bool:
    """True when a member with `roles` enters tickets of `kind` for residents (staff intake;
    the same roles as tickets.services.ticket_submit)."""
    staff = rules.MANAGERS | ({Role.TECHNICIAN} if kind == TicketKind.WORK_ORDER else set())
    return bool(roles & staff)


class TicketSubmitForm(forms.Form):
    """Intake. `on_behalf`: staff enter it for a resident, with its channel and the resident
    (registered, or a name and phone). The place is one of: the (resident's) household, a
    building or unit, or a public area described in words."""

    HOUSEHOLD, BUILDING, PUBLIC = "household", "building", "public"

    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, where exactly, since when."),
    )
    where = forms.ChoiceField(label=_("Where"), widget=forms.RadioSelect, initial=HOUSEHOLD)
    household = forms.ModelChoiceField(
        label=_("Household"), queryset=Household.objects.none(), required=False
    )
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    location_text = forms.CharField(
        label=_("Describe the place"),
        max_length=300,
        required=False,
        help_text=_("For a public area: say where (e.g. the gate of the north car park)."),
    )
    photos = PhotosField()
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(
        self,
        *args,
        community: Community,
        kind: str,
        user: User,
        on_behalf: bool,
        may_pick_resident: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.on_behalf = on_behalf
        # A new form gets a new key; a re-shown form keeps the one it was posted with, so a
        # double click or a retry of the same form creates one ticket.
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        self.fields["category"].queryset = Category.objects.filter(
            community=community, kind=kind, is_active=True
        ).order_by("name")
        buildings = self.fields["building"]
        buildings.queryset = building_list(community=community)
        buildings.label_from_instance = building_label
        units = self.fields["unit"]
        units.queryset = unit_list(community=community)
        units.label_from_instance = unit_label
        if on_behalf:
            self.fields["where"].choices = [
                (self.HOUSEHOLD, _("The resident's household")),
                (self.BUILDING, _("A building or unit")),
                (self.PUBLIC, _("A public area")),
            ]
            del self.fields["household"]
            self.fields["channel"] = forms.ChoiceField(
                label=_("Channel"),
                choices=[("", "---------")] + [(c.value, c.label) for c in ON_BEHALF_CHANNELS],
                help_text=_("How the request reached you."),
            )
            if may_pick_resident:
                self.fields["resident"] = forms.ModelChoiceField(
                    label=_("Registered resident"),
                    queryset=Resident.objects.filter(community=community).select_related(
                        "household__unit__building__compound"
                    ),
                    required=False,
                    help_text=_("Or give a name and phone below."),
                )
                self.fields["resident"].label_from_instance = _resident_label
            self.fields["submitter_name"] = forms.CharField(
                label=_("Name of the person"), max_length=50, required=False
            )
            self.fields["submitter_phone"] = forms.CharField(
                label=_("Contact phone"), max_length=40, required=False
            )
        else:
            self.fields["where"].choices = [
                (self.HOUSEHOLD, _("My home")),
                (self.BUILDING, _("A building or unit")),
                (self.PUBLIC, _("A public area")),
            ]
            household = self.fields["household"]
            household.queryset = Household.objects.filter(
                community=community, residents__user=user
            ).distinct()
            household_choices(household)
            household.label = _("Which home")
            # The resident's only home is the answer already: without it the first submit
            # is refused and the chosen photos are lost.
            homes = list(household.queryset[:2])
            if len(homes) == 1:
                household.initial = homes[0].pk

    def clean(self):
        data = super().clean()
        where = data.get("where")
        required = {
            self.HOUSEHOLD: [] if self.on_behalf else ["household"],
            self.BUILDING: [],
            self.PUBLIC: ["location_text"],
        }.get(where, [])
        for name in required:
            if not data.get(name):
                self.add_error(name, _("Say where, or choose another kind of place."))
        if where == self.HOUSEHOLD and self.on_behalf and not data.get("resident"):
            self.add_error(
                "resident" if "resident" in self.fields else "where",
                _("Choose the registered resident whose household it is."),
            )
        if where == self.BUILDING:
            building, unit = data.get("building"), data.get("unit")
            if not building and not unit:
                self.add_error("building", _("Choose a building or a unit."))
            elif building and unit and unit.building_id != building.pk:
                self.add_error("unit", _("This unit is not in the chosen building."))
        # Only the fields of the chosen kind of place reach the service.
        if where != self.HOUSEHOLD:
            data["household"] = None
        if where != self.BUILDING:
            data["building"] = data["unit"] = None
        return data

    def service_kwargs(self) -> dict:
        """Keyword arguments of tickets.photos.ticket_submit_with_photos (without community,
        actor, kind)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "where"}


def _resident_label(resident: Resident) -> str:
    return f"{resident.name} · {unit_label(resident.household.unit)}{resident.household.room}"


# --- the ticket page's actions -------------------------------------------------------------


class ActionForm(forms.Form):
    """A form of one action on `ticket` (of `community`); the field names are the service's
    keyword arguments."""

    def __init__(self, *args, ticket: Ticket, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket, self.community = ticket, community


class NoteForm(ActionForm):
    """An action with a note (the service says when it is required: resolve, reject, pause,
    reply, transfer)."""

    note = forms.CharField(label=_("Note"), widget=NOTE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name != "note"] + ["note"])


class ResolveForm(NoteForm):
    photos = PhotosField()


class DispatchForm(NoteForm):
    """Assign to a technician or staff member of the community, and/or an organisation serving
    it (selectors.dispatch_organisations)."""

    assignee = forms.ModelChoiceField(
        label=_("Technician or staff member"), queryset=User.objects.none(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        community = self.community
        self.fields["assignee"].queryset = assignee_choices(community)
        self.fields["assignee"].label_from_instance = person_label
        self.fields["organisation"].queryset = dispatch_organisations(community_id=community.pk)


def assignee_choices(community: Community):
    """Users who may be assigned tickets of `community`: its technicians and managers."""
    return (
        User.objects.filter(
            memberships__community=community,
            memberships__is_active=True,
            memberships__role__in=[Role.TECHNICIAN, *rules.MANAGERS],
        )
        .distinct()
        .order_by("username")
    )


def person_label(user: User) -> str:
    return user.get_full_name() or user.username


class TransferForm(NoteForm):
    responsible_party = forms.ChoiceField(label=_("Hand over to"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_party"].choices = [
            (value, label)
            for value, label in ResponsibleParty.choices
            if value != self.ticket.responsible_party
        ]


class SuperviseForm(NoteForm):
    due_at = forms.DateTimeField(
        label=_("Supervision deadline"),
        widget=DateTimeInput(),
        help_text=_("Local time of the community."),
    )


class MergeForm(NoteForm):
    into = forms.CharField(
        label=_("Number of the ticket to keep"),
        max_length=40,
        help_text=_("This ticket becomes a duplicate of that one."),
    )


class RateForm(NoteForm):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        help_text=_("5 is very satisfied, 1 very dissatisfied."),
    )


class FollowUpForm(NoteForm):
    satisfied = forms.TypedChoiceField(
        label=_("Result of the call"),
        coerce=lambda value: value == "yes",
        choices=[
            ("yes", _("Satisfied: the matter is solved")),
            ("no", _("Dissatisfied: reopen the ticket")),
        ],
        widget=forms.RadioSelect,
    )


class SpawnWorkOrderForm(ActionForm):
    category = forms.ModelChoiceField(
        label=_("Work-order category"), queryset=Category.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=NOTE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(
            community=self.community, kind=TicketKind.WORK_ORDER, is_active=True
        ).order_by("name")
