"""Partner enums as GraphQL enums (the domain's own values)."""

from enum import Enum

import strawberry

from brandhub.partners.models import AttemptStatus, DeliveryStatus, HandoffStatus, PledgeStatus
from brandhub.partners.transitions import ActorType

HandoffStatusEnum = strawberry.enum(HandoffStatus, name="HandoffStatus")
ActorTypeEnum = strawberry.enum(ActorType, name="HandoffActorType")
DeliveryStatusEnum = strawberry.enum(DeliveryStatus, name="DeliveryStatus")
PledgeStatusEnum = strawberry.enum(PledgeStatus, name="PledgeStatus")
AttemptStatusEnum = strawberry.enum(
    AttemptStatus,
    name="WebhookAttemptStatus",
    description="SENDING until the answer is recorded; INTERRUPTED when the dispatcher stopped "
    "before recording it (the receiver may have the event).",
)


@strawberry.enum(description="The statuses a partner reports once its quote is accepted.")
class ProductionStatus(Enum):
    IN_PRODUCTION = "IN_PRODUCTION"
    SHIPPED = "SHIPPED"
