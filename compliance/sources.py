"""Where a page's figures come from, chosen by its caller: `LiveFigures` counts exactly the duties
and cases it is given; `SummaryFigures` reads the summary tables (compliance.summary) for
everything a user may see under their filters. Both answer `outcome_counts` and
`service_measures` in the same shapes, so compliance.duty_figures and
compliance.service_figures work out every figure from either.

A summary source is made from the user and the filters alone, never from a queryset: the
summary can only describe "everything this user sees under these filters", so a caller that
wants fewer duties (one rule, one officer, a drill-down) has no way to hand it a narrower
queryset and silently get figures that ignore it. It counts a narrower set with `LiveFigures`.
"""

import datetime

from django.db.models import QuerySet

from accounts.models import User
from cases.models import Case
from counting.filters import NO_FILTERS, Filters, filter_cases, filter_duties
from counting.periods import Period
from entitlements.models import Duty

from . import outcomes, service_figures, summary


class LiveFigures:
    """Every figure counted from the records: of exactly `duties` and `cases` (which must start
    from `.visible_to(user)`), with the people counted narrowed by `filters` (an age band read
    in the bands in force on `filters_on`)."""

    summary_as_of = None

    def __init__(
        self,
        duties: QuerySet[Duty],
        cases: QuerySet[Case] | None = None,
        *,
        filters: Filters = NO_FILTERS,
        filters_on: datetime.date | None = None,
    ) -> None:
        self.duties = duties
        self.cases = cases if cases is not None else Case.objects.none()
        self.filters = filters
        self.filters_on = filters_on
        # A page asks one period for its figures by rule, by team and by month: counted live,
        # each was a scan of the period's duties (12 s apiece under an age filter at
        # 1,000,000 people), so the duties are read once at the finest grain and summed.
        self._fine: dict[tuple, list[dict]] = {}

    @classmethod
    def visible_to(
        cls, user: User, filters: Filters = NO_FILTERS, *, on: datetime.date
    ) -> "LiveFigures":
        """The user's duties and cases (never a case they may not see), filtered; an age band
        is read in the bands in force on `on` (the page's period end)."""
        return cls(
            filter_duties(Duty.objects.visible_to(user), filters, on=on),
            filter_cases(Case.objects.visible_to(user), filters, on=on),
            filters=filters,
            filters_on=on,
        )

    def outcome_counts(self, period: Period, *, group_by=(), now: datetime.datetime) -> list[dict]:
        key = (period.start, period.end, now)
        if key not in self._fine:
            self._fine[key] = outcomes.outcome_counts(
                self.duties, period, group_by=outcomes.LIVE_GRAIN, now=now
            )
        return outcomes.regroup(self._fine[key], tuple(group_by))

    def service_measures(self, period: Period, *, now: datetime.datetime) -> dict:
        return service_figures.live_service_measures(
            self.cases, period, filters=self.filters, filters_on=self.filters_on
        )


class SummaryFigures:
    """The figures of everything `user` may see under `filters`, from the summary tables as of
    their last rebuild, with what they cannot hold read live and added in (see
    compliance.summary). Refuses filters the summary does not hold (summary.can_serve). The
    service measures come from the service summary where it holds the filters
    (summary.can_serve_service) and was counted by the period's rules
    (summary.counted_by_rules_of), else live from the same cases."""

    def __init__(
        self,
        user: User,
        filters: Filters = NO_FILTERS,
        *,
        on: datetime.date,
        memo: dict | None = None,
    ) -> None:
        if not summary.can_serve(filters):
            raise ValueError("The summary cannot serve these filters together.")
        self.user = user
        self.filters = filters
        self.on = on
        self.live = LiveFigures.visible_to(user, filters, on=on)
        self.memo = {} if memo is None else memo  # what one page has looked up already

    @property
    def cases(self) -> QuerySet[Case]:
        """The user's visible cases under the filters (for figures the summary does not hold)."""
        return self.live.cases

    @property
    def summary_as_of(self) -> datetime.datetime | None:
        """When the summary was last rebuilt: the page says so beside the figures."""
        if "refreshed" not in self.memo:
            self.memo["refreshed"] = summary.last_refreshed()
        return self.memo["refreshed"]

    def outcome_counts(self, period: Period, *, group_by=(), now: datetime.datetime) -> list[dict]:
        return summary.outcome_counts(
            self.user,
            period,
            group_by=group_by,
            filters=self.filters,
            now=now,
            on=self.on,
            memo=self.memo,
        )

    def service_measures(self, period: Period, *, now: datetime.datetime) -> dict:
        if not summary.can_serve_service(self.filters) or not summary.counted_by_rules_of(
            period, memo=summary.reader(self.user, self.memo)
        ):
            return self.live.service_measures(period, now=now)
        tally = summary.service_tally(
            self.user,
            period,
            cases=self.live.cases,
            filters=self.filters,
            now=now,
            on=self.on,
            memo=self.memo,
        )
        return service_figures.figures_from_tally(tally)


def figures_for(user: User, filters: Filters, *, on: datetime.date) -> LiveFigures | SummaryFigures:
    """The dashboard's and the pack's source: the summary when it describes this user's figures
    under these filters (summary.serves), else live. Both count the same duties; the summary is
    what makes a twelve-month force dashboard fast. `on`: the page's period end, the day whose
    age bands the filters name."""
    memo: dict = {}
    if summary.serves(user, filters, on=on, memo=memo):
        return SummaryFigures(user, filters, on=on, memo=memo)
    return LiveFigures.visible_to(user, filters, on=on)
