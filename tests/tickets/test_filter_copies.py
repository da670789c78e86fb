"""TicketFilter's filters and form fields are copied shallowly for each FilterSet and form
(tickets.filters._Definitions): what one request changes on its copies never reaches another,
and each method filter calls its own FilterSet."""

import datetime

from django.forms import HiddenInput
from django.http import QueryDict

from tests import factories
from tickets.filters import TicketFilter
from tickets.models import Category, Ticket, TicketKind


def test_a_request_changes_only_its_own_copies(db):
    first = TicketFilter(QueryDict(), queryset=Ticket.objects.all())
    second = TicketFilter(QueryDict(), queryset=Ticket.objects.all())
    del first.form.fields["assignee"]  # as the queue page does for a technician
    first.form.fields["organisation"].widget = HiddenInput()  # as it does for everyone
    assert "assignee" in second.form.fields
    assert not isinstance(second.form.fields["organisation"].widget, HiddenInput)
    assert "assignee" in TicketFilter().form.fields
    for filterset in (first, second):
        assert {f.parent for f in filterset.filters.values()} == {filterset}
    assert not any(hasattr(f, "parent") for f in TicketFilter.base_filters.values())


def test_each_method_filter_calls_its_own_filterset(db):
    """submitted_to is a local day of each FilterSet's own community: 17:00 UTC on 1 March is
    still that day in London and already 2 March in Shanghai."""
    shanghai = factories.CommunityFactory(timezone="Asia/Shanghai")
    london = factories.CommunityFactory(timezone="Europe/London")
    category = Category.objects.create(
        community=shanghai, kind=TicketKind.COMPLAINT, code="noise", name="噪音"
    )
    ticket = Ticket.objects.create(
        community=shanghai,
        kind=TicketKind.COMPLAINT,
        channel=Ticket.Channel.WEB,
        category=category,
        responsible_party=category.responsible_party,
        submitted_at=datetime.datetime(2025, 3, 1, 17, tzinfo=datetime.UTC),
    )
    day = QueryDict("submitted_to=2025-03-01")
    in_london = TicketFilter(day, queryset=Ticket.objects.all(), community=london)
    in_shanghai = TicketFilter(day, queryset=Ticket.objects.all(), community=shanghai)
    assert list(in_shanghai.qs) == []
    assert list(in_london.qs) == [ticket]
