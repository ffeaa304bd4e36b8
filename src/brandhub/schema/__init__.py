"""The GraphQL schema: Query and Mutation assembled from one mixin per domain."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from brandhub.schema.auth.mutations import AuthMutation
from brandhub.schema.auth.queries import AuthQuery
from brandhub.schema.auth.types import MemberType, PartnerType
from brandhub.schema.community.embedding import BrandListQuery, EmbeddingMutation
from brandhub.schema.community.mutations import CommunityMutation
from brandhub.schema.community.queries import CommunityQuery
from brandhub.schema.errors import Masking, should_mask
from brandhub.schema.input_rules import guard_arguments
from brandhub.schema.ladder.mutations import LadderMutation
from brandhub.schema.limits import DocumentCache, ErrorCodes, ValidationCache, limit_rules
from brandhub.schema.node import NodeQuery
from brandhub.schema.operation_log import OperationLog, log_errors
from brandhub.schema.partners.accounts import PartnerAccountMutation
from brandhub.schema.partners.live import PartnerSubscription
from brandhub.schema.partners.mutations import PartnerMutation
from brandhub.schema.partners.queries import PartnerQuery
from brandhub.schema.ratings.mutations import RatingsMutation
from brandhub.schema.royalties.mutations import RoyaltyMutation
from brandhub.schema.scalars import SCALAR_OVERRIDES
from brandhub.schema.shared_events import SharedEventExecutor
from brandhub.schema.voting.live import VotingSubscription
from brandhub.schema.voting.mutations import VotingMutation
from brandhub.settings import Settings


@strawberry.type
class Query(AuthQuery, CommunityQuery, BrandListQuery, PartnerQuery, NodeQuery):
    pass


@strawberry.type
class Mutation(
    AuthMutation,
    CommunityMutation,
    EmbeddingMutation,
    VotingMutation,
    PartnerAccountMutation,
    PartnerMutation,
    RatingsMutation,
    RoyaltyMutation,
    LadderMutation,
):
    pass


@strawberry.type
class Subscription(VotingSubscription, PartnerSubscription):
    pass


class Schema(strawberry.Schema):
    """Strawberry's schema, logging each error at the level its kind deserves."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors, execution_context.operation_name if execution_context else None)


def build_schema(
    settings: Settings | None = None, extra_extensions: list[type[SchemaExtension]] | None = None
) -> strawberry.Schema:
    """The schema with its limits, caches and error masking."""
    settings = settings or Settings()
    limits = limit_rules(settings.max_query_depth, settings.max_aliases)
    # Factories: Strawberry builds fresh extensions per request; the caches live at module level.
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        # First, so it runs last on the way out and codes what MaskErrors produced.
        ErrorCodes,
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(DocumentCache, maxsize=1024),
        # The rule classes are built once: the validation cache keys on them, so rules made
        # per request (as QueryDepthLimiter and MaxAliasesLimiter do) would never hit it.
        partial(AddValidationRules, limits),
        partial(ValidationCache, maxsize=1024),
        partial(Masking, should_mask_error=should_mask),
        # After masking in this list, so it sees (and logs) the errors before they are masked.
        OperationLog,
        *(extra_extensions or []),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[MemberType, PartnerType],
        extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
        config=StrawberryConfig(auto_camel_case=True),
        execution_context_class=SharedEventExecutor,
    )
    guard_arguments(schema._schema)
    return schema
