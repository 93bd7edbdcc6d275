"""What cases publishes is handled above it, in the order the rules need."""

from cases import events
from entitlements import reactions as entitlements
from notifications import services as notifications
from referrals import reactions as referrals
from surveys import services as surveys

# What these change for duties comes through another event (a persistently targeted person's
# parties each publish EnhancedChanged); notifications tells people of them.
NOT_ABOUT_DUTIES = {events.PersistentlyTargeted: notifications.notify_persistently_targeted}


def test_every_case_event_has_a_handler_in_entitlements():
    published = [
        value
        for value in vars(events).values()
        if isinstance(value, type)
        and value.__module__ == events.__name__
        and value is not events.RecordKind
        and value not in NOT_ABOUT_DUTIES
        # About a person's records, not a case: nothing the Code owes changes (duties follow
        # the party, which a merge moves); surveys listens (below).
        and value is not events.PeopleMerged
    ]
    assert published, "cases.events publishes no events"
    for event_type in published:
        assert entitlements.HANDLERS[event_type] in events.channel.handlers(event_type)


def test_referrals_react_after_entitlements_made_the_duties():
    for event_type, handler in (
        (events.PartyAdded, referrals.on_party_added),
        (events.RecordMade, referrals.on_record_made),
    ):
        handlers = events.channel.handlers(event_type)
        assert handlers.index(entitlements.HANDLERS[event_type]) < handlers.index(handler)


def test_case_events_not_about_duties_are_told_by_notifications():
    for event_type, handler in NOT_ABOUT_DUTIES.items():
        assert handler in events.channel.handlers(event_type)


def test_surveys_keep_a_merged_persons_opt_out():
    assert surveys.on_people_merged in events.channel.handlers(events.PeopleMerged)
