"""Every table of brandhub, imported in one place for Alembic and the tests."""

from sqlmodel import SQLModel

from brandhub.auth.models import Member, PartnerApiKey, SessionToken, SignInFailure
from brandhub.partners.models import Partner

metadata = SQLModel.metadata

__all__ = [
    "Member",
    "Partner",
    "PartnerApiKey",
    "SessionToken",
    "SignInFailure",
    "metadata",
]
