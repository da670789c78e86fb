"""The tenant-key rule over every model (DESIGN.md, Tenancy; docs/scaling.md).

Every model of the project's apps is either global on purpose (listed below, with the reason)
or tenant-owned: it carries `community`, every unique constraint includes `community`, and no
field other than the primary key is unique on its own.
"""

import pytest
from django.apps import apps
from django.db import models

from community.models import Community, TenantModel

PROJECT_APPS = {"community", "residents", "tickets", "complaints", "property_ops", "reports"}
GLOBAL_MODELS = {
    "community.Community": "the tenant itself",
    "community.User": "a person may belong to several communities",
    "community.Organisation": "a property company or street office serves several communities",
}


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS and not m._meta.proxy]


def test_the_rule_sees_models_of_every_app():
    labels = {m._meta.app_label for m in project_models()}
    assert {"community", "residents", "tickets"} <= labels


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_every_model_is_tenant_owned_or_global_on_purpose(model):
    label = model._meta.label
    if label in GLOBAL_MODELS:
        return
    assert issubclass(model, TenantModel), f"{label} does not inherit TenantModel"
    community = model._meta.get_field("community")
    assert community.related_model is Community
    for f in model._meta.concrete_fields:
        assert not (f.unique and not f.primary_key), f"{label}.{f.name} is unique without community"
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            assert "community" in constraint.fields, f"{label}: {constraint.name} lacks community"
    for together in model._meta.unique_together:
        assert "community" in together, f"{label}: unique_together {together} lacks community"


def test_a_row_cannot_point_into_another_community(world):
    from residents.models import Unit

    stray = Unit(community=world.a.community, building=world.b.building, name="9单元")
    with pytest.raises(ValueError, match="another community"):
        stray.save()
    assert not Unit.objects.filter(name="9单元").exists()
