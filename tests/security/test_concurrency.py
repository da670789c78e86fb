"""Adversarial review: the same write sent twice at once (double submit, two staff at two desks).

Finding pinned here: two corrections of the same disclosure version at once. Both passed the
"only the latest version can be corrected" check before either took the chain lock, so the
loser was refused by the database constraint with a message naming "Community" under
`__all__` instead of the rule, keyed `supersedes`. Held (pinned so they stay held): two new
publications at once take consecutive places in the hash chain.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from community.models import Disclosure, Membership
from community.records import selectors, services

Role = Membership.Role
DATA = {
    "kind": "property_fee",
    "title": "物业费收支公示",
    "body": "收入100元",
    "channels": ["portal"],
    "period_start": datetime.date(2025, 1, 1),
    "period_end": datetime.date(2025, 3, 31),
}


def race(calls):
    """Run `calls` at once (a barrier), each on its own connection; [result or exception]."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except ValidationError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_corrections_of_one_version_at_once(world, attempt):
    community, staff = world.a.community, world.a.users[Role.COMMITTEE_STAFF]
    first = services.disclosure_publish(community=community, user=staff, data=DATA)

    def correct(reason):
        return lambda: services.disclosure_publish(
            community=community,
            user=staff,
            data={**DATA, "body": f"收入{reason}元", "correction_reason": reason},
            supersedes=first,
        )

    results = race([correct("101"), correct("102")])
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1
    assert refused[0].message_dict == {"supersedes": ["只能更正最新版本。"]}
    assert Disclosure.objects.filter(community=community, supersedes=first).count() == 1
    assert selectors.disclosure_chain_check(community=community).ok


@pytest.mark.django_db(transaction=True)
def test_two_publications_at_once_take_consecutive_places_in_the_chain(world):
    community, staff = world.a.community, world.a.users[Role.COMMITTEE_STAFF]
    results = race(
        [
            lambda: services.disclosure_publish(community=community, user=staff, data=DATA),
            lambda: services.disclosure_publish(community=community, user=staff, data=DATA),
        ]
    )
    assert all(isinstance(r, Disclosure) for r in results)
    assert sorted(d.seq for d in results) == [1, 2]
    check = selectors.disclosure_chain_check(community=community)
    assert (check.checked, check.ok) == (2, True)
