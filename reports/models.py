from community.models import TenantModel  # noqa: F401
