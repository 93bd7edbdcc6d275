"""Track my case pages. The person's pages are public (no staff sign-in) and carry their own
short session; the officer's page is a case page like the others. Views parse and render; every
rule and every write is in portal.services.

No id of the person's reaches a URL: the link's token is swapped for a session at once, and the
session holds which access it is. Every refusal shows the same kind page, whatever the reason, so
the page says nothing of whether a case, a person or a link exists.
"""

from __future__ import annotations

import datetime
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from accounts.access import ActionRequiredMixin
from accounts.permissions import can
from audit import services as audit
from cases import safe_channels
from cases.models import Party, UpdateMethod
from cases.permissions import access_case

from . import selectors, services
from .forms import (
    AllowForm,
    CodeForm,
    DateOfBirthForm,
    IssueAccessForm,
    MessageForm,
    PasscodeForm,
    PreferencesForm,
    ReplyForm,
)
from .models import Access, Factor, Send
from .plain import CHANNEL_WORDS

PENDING = "track_pending"
ACCESS = "track_access"
STARTED = "track_started"
SEEN = "track_seen"
KEYS = (PENDING, ACCESS, STARTED, SEEN)


def victim_page(view):
    """The person's pages: no staff sign-in, never cached, never indexed, no referrer to other
    sites, and
    never served to a caller with an API token (staff tokens are for the API alone)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if "HTTP_AUTHORIZATION" in request.META:
            raise Http404
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        # Not no-referrer: its `Origin: null` on our own forms' POSTs fails the CSRF check
        # (victimsite/middleware.py). No other site is sent a referrer either way.
        response["Referrer-Policy"] = "same-origin"
        return response

    return login_not_required(never_cache(wrapped))


def _refused(
    request, *, access: Access | None = None, reason: str, log_request=True, new_link=False
):
    """The one kind page for every refusal, and a line in the trail with the reason."""
    services.record_refused(request if log_request else None, access=access, reason=reason)
    for key in KEYS:
        request.session.pop(key, None)
    # 200, not 403: the page is the answer, the same for every reason (nothing to tell apart).
    return render(request, "portal/refused.html", {"new_link": new_link})


def _stamp(moment: datetime.datetime) -> str:
    return moment.isoformat()


def _session_access(request, now: datetime.datetime) -> tuple[Access | None, str | None]:
    """The access of this session, or why there is none (and the session's keys are cleared)."""
    pk = request.session.get(ACCESS)
    if pk is None:
        return None, "no session"
    access = Access.objects.select_related("party__person", "case").filter(pk=pk).first()
    try:
        started = datetime.datetime.fromisoformat(request.session[STARTED])
        seen = datetime.datetime.fromisoformat(request.session[SEEN])
    except (KeyError, ValueError):
        return None, "no session"
    reason = services.session_refusal(access, started=started, last_seen=seen, now=now)
    if reason is not None:
        return access, reason
    request.session[SEEN] = _stamp(now)
    return access, None


def in_session(view):
    """A page of a signed-in person: the session is checked afresh (revoked, unsafe, idle...)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        now = timezone.now()
        access, reason = _session_access(request, now)
        if reason is not None:
            if reason == "no session":
                for key in KEYS:
                    request.session.pop(key, None)
                return render(request, "portal/signed_out.html")
            return _refused(request, access=access, reason=reason)
        return view(request, *args, access=access, now=now, **kwargs)

    return wrapped


# --- the person's pages ---


@victim_page
def open_link(request, token: str):
    """The link from the message: swapped at once for a session waiting for the second factor.
    The trail records no path here: the path holds the token.

    A link that does not work offers to send a new one (a POST here): the same offer and the same
    answer for every token, so neither says whether the link was ever real. A new link goes only
    to the safe channel the access was issued for, never to the page."""
    now = timezone.now()
    access = services.access_for_link(token)
    if request.method == "POST":
        services.request_new_link(access, now=now)
        return render(request, "portal/new_link.html")
    reason = services.link_refusal(access, now=now)
    if reason is not None:
        return _refused(request, access=access, reason=reason, log_request=False, new_link=True)
    request.session.cycle_key()
    for key in KEYS:
        request.session.pop(key, None)
    request.session[PENDING] = access.pk
    audit.record(
        None,
        audit.AuditAction.VIEW,
        obj=access.party,
        case=access.case_id,
        person_ids=[access.party.person_id],
        detail="Track my case: the person opened their link",
    )
    return redirect("track-verify")


@method_decorator(victim_page, name="dispatch")
class VerifyView(View):
    """Prove who you are: the passcode, or the date of birth and then a code."""

    def dispatch(self, request, *args, **kwargs):
        self.now = timezone.now()
        pk = request.session.get(PENDING)
        self.access = (
            Access.objects.select_related("party__person", "case").filter(pk=pk).first()
            if pk is not None
            else None
        )
        reason = services.link_refusal(self.access, now=self.now)
        if reason is not None:
            return _refused(request, access=self.access, reason=reason)
        return super().dispatch(request, *args, **kwargs)

    def _step(self) -> str:
        if self.access.factor == Factor.PASSCODE:
            return "passcode"
        waiting = self.access.dob_confirmed_at is not None and self.access.code_status in (
            Send.PENDING,
            Send.SENDING,
            Send.SENT,
        )
        return "code" if waiting else "dob"

    def _form(self, step: str, data=None):
        return {"passcode": PasscodeForm, "dob": DateOfBirthForm, "code": CodeForm}[step](data)

    def _render(self, step, form, *, locked=False, wrong=False, status=200):
        return render(
            self.request,
            "portal/verify.html",
            {
                "step": step,
                "form": form,
                "locked": locked,
                "wrong": wrong,
                "channel": CHANNEL_WORDS[self.access.channel],
            },
            status=status,
        )

    def get(self, request):
        step = self._step()
        return self._render(step, self._form(step))

    def post(self, request):
        step = self._step()
        if "new_code" in request.POST and step == "code":
            services.request_code(self.access, now=self.now)
            return redirect("track-verify")
        form = self._form(step, request.POST)
        if not form.is_valid():
            return self._render(step, form, status=400)
        if step == "passcode":
            answer = services.check_passcode(
                self.access, form.cleaned_data["passcode"], now=self.now
            )
        elif step == "dob":
            answer = services.check_date_of_birth(
                self.access, form.cleaned_data["date_of_birth"], now=self.now
            )
            if answer.code_sent:
                return redirect("track-verify")
        else:
            answer = services.check_code(self.access, form.cleaned_data["code"], now=self.now)
        if not answer.ok:
            audit.record(
                request,
                audit.AuditAction.LOGIN_FAILED,
                obj=self.access.party,
                case=self.access.case_id,
                person_ids=[self.access.party.person_id],
                detail="Track my case: a wrong answer to the second factor"
                + (", now locked" if answer.locked else ""),
            )
            return self._render(
                step,
                self._form(step),
                locked=answer.locked,
                wrong=True,
                status=403 if answer.locked else 400,
            )
        if not services.use_link(self.access, now=self.now):
            return _refused(request, access=self.access, reason="used")
        request.session.cycle_key()
        request.session.pop(PENDING, None)
        request.session[ACCESS] = self.access.pk
        request.session[STARTED] = _stamp(self.now)
        request.session[SEEN] = _stamp(self.now)
        audit.record(
            request,
            audit.AuditAction.LOGIN,
            obj=self.access.party,
            case=self.access.case_id,
            person_ids=[self.access.party.person_id],
            detail="Track my case: the person proved who they are",
        )
        return redirect("track-home")


@victim_page
@in_session
def home(request, *, access: Access, now):
    page = selectors.victim_page(access, now=now)
    services.record_view(request, access=access, what="their case")
    return render(
        request,
        "portal/home.html",
        {"page": page, "form": MessageForm(), "sent": request.GET.get("sent") == "1"},
    )


@victim_page
@in_session
def message(request, *, access: Access, now):
    if request.method != "POST":
        return redirect("track-home")
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.send_message(
                request,
                access=access,
                body=form.cleaned_data["body"],
                callback=form.cleaned_data["callback"],
                now=now,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(reverse("track-home") + "?sent=1")
    page = selectors.victim_page(access, now=now)
    return render(request, "portal/home.html", {"page": page, "form": form}, status=400)


def _current_preferences(access: Access) -> dict:
    agreement = access.party.update_agreements.filter(superseded_at__isnull=True).first()
    safe = safe_channels.profile(access.party)
    return {
        "frequency_days": agreement.frequency_days if agreement else 14,
        "method": agreement.method if agreement else UpdateMethod.PHONE,
        "safe_times": safe.safe_times if safe else "",
    }


@victim_page
@in_session
def preferences(request, *, access: Access, now):
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.change_updates(
                    request,
                    access=access,
                    frequency_days=data["frequency_days"],
                    method=data["method"],
                    safe_times=data["safe_times"],
                    no_longer_safe=data["no_longer_safe"],
                    now=now,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if data["no_surveys"]:
                    services.opt_out_of_surveys(request, access=access, now=now)
                # A channel given up may have been the one this session came by: check again.
                if services.refusal(access, now=now) is not None:
                    for key in KEYS:
                        request.session.pop(key, None)
                    return render(request, "portal/signed_out.html", {"saved": True})
                return render(request, "portal/preferences_saved.html")
        status = 400
    else:
        form = PreferencesForm(initial=_current_preferences(access))
        services.record_view(request, access=access, what="how they want updates")
        status = 200
    return render(request, "portal/preferences.html", {"form": form}, status=status)


@victim_page
@in_session
def confirm_in_session(request, *, access: Access, now):
    if request.method == "POST":
        try:
            notice_id = int(request.POST.get("notice", ""))
        except ValueError:
            notice_id = 0
        services.confirm_notice(request, access=access, notice_id=notice_id, now=now)
    return redirect("track-home")


@victim_page
def sign_out(request):
    if request.method == "POST":
        for key in KEYS:
            request.session.pop(key, None)
        request.session.cycle_key()
    return render(request, "portal/signed_out.html")


@victim_page
def confirm_news(request, token: str):
    """The link in an urgent message. A tap on the button confirms (a GET does not: mail and
    message previews open links by themselves). Nothing of the case is shown."""
    if request.method == "POST":
        notice = services.confirm_urgent(token)
        if notice is None:
            return _refused(request, reason="unknown news link", log_request=False)
        audit.record(
            None,
            audit.AuditAction.CHANGE,
            obj=notice.party,
            case=notice.case_id,
            person_ids=[notice.party.person_id],
            detail="Track my case: the person confirmed urgent news by its link",
        )
        return render(request, "portal/news_confirmed.html")
    return render(request, "portal/news_confirm.html")


# --- the officer's page ---


class CasePortalView(ActionRequiredMixin, View):
    """Track my case on one case: who has access, issuing and switching it off, the bars and a
    supervisor's leave, the messages with their replies, and urgent news with every try."""

    action = "portal.manage"

    def dispatch(self, request, pk):
        # The matrix before the case: a role without the action is refused (403) before any
        # look-up says whether the case exists.
        if not can(request.user, self.action):
            raise PermissionDenied
        self.case = access_case(request.user, pk, "cases.record")
        return super().dispatch(request, pk)

    def _party(self, pk) -> Party:
        try:
            return self.case.parties.select_related("person").get(pk=int(pk))
        except (Party.DoesNotExist, TypeError, ValueError):
            raise Http404 from None

    def get(self, request, pk, *, issue_form=None, errors=None, status=200):
        data = selectors.case_portal(self.case)
        audit.record(
            request,
            audit.AuditAction.VIEW,
            obj=self.case,
            person_ids=[row.party.person_id for row in data["people"]],
            detail="Track my case page of the case",
        )
        return render(
            request,
            "portal_staff/case.html",
            {
                "case": self.case,
                **data,
                "issue_form": issue_form
                or IssueAccessForm(parties=[row.party for row in data["people"]]),
                "reply_form": ReplyForm(),
                "allow_form": AllowForm(),
                "may_allow": can(request.user, "portal.allow"),
                "errors": errors or [],
            },
            status=status,
        )

    def post(self, request, pk):
        action = request.POST.get("action")
        try:
            if action == "issue":
                form = IssueAccessForm(request.POST, parties=list(self.case.parties.all()))
                if not form.is_valid():
                    return self.get(request, pk, issue_form=form, status=400)
                services.issue_access(
                    case=self.case,
                    party=self._party(form.cleaned_data["party"]),
                    by=request.user,
                    channel=form.cleaned_data["channel"],
                    factor=form.cleaned_data["factor"],
                    passcode=form.cleaned_data["passcode"],
                )
            elif action == "revoke":
                party = self._party(request.POST.get("party"))
                for access in Access.objects.active().filter(party=party):
                    services.revoke_access(access=access, by=request.user)
            elif action in ("flag", "unflag"):
                services.flag_suspect_may_see_phone(
                    party=self._party(request.POST.get("party")),
                    by=request.user,
                    flagged=action == "flag",
                )
            elif action == "allow":
                if not can(request.user, "portal.allow"):
                    raise PermissionDenied
                form = AllowForm(request.POST)
                services.allow_self_service(
                    party=self._party(request.POST.get("party")),
                    by=request.user,
                    reason=form.data.get("reason", ""),
                )
            elif action == "reply":
                form = ReplyForm(request.POST)
                if not form.is_valid():
                    return self.get(request, pk, errors=["Write your reply."], status=400)
                services.reply(
                    case=self.case,
                    party=self._party(form.cleaned_data["party"]),
                    by=request.user,
                    body=form.cleaned_data["body"],
                )
            else:
                return HttpResponse(status=400)
        except ValidationError as error:
            return self.get(request, pk, errors=error.messages, status=400)
        return redirect("portal-case", pk=self.case.pk)
