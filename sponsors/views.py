from django.core import signing
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from episodes.analytics.recorder import save_quietly, visitor

from .models import Campaign, PromoClick, SponsorReportLink
from .reports import campaign_report, report_csv

LINK_SALT = "sponsors.report-link"


def go(request, code):
    """A campaign's promo link as reads carry it: counted (hashed, bots marked), then redirected."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    campaign = get_object_or_404(Campaign, click_code=code, track_clicks=True)
    if request.method == "GET":
        now = timezone.now()

        def click():
            fields, _agent = visitor(request, now)
            fields.pop("referrer_app", None)
            return PromoClick(
                occurred_at=now, campaign=campaign, referrer_app=_agent.referrer_app[:80], **fields
            )

        save_quietly(click)
    response = redirect(campaign.promo_url)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def report_link_token(link):
    return signing.dumps({"id": link.pk, "key": link.key}, salt=LINK_SALT, compress=True)


def link_for_token(token):
    """The link a token names, or Http404 for a tampered, unknown or revoked one."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
        link = SponsorReportLink.objects.select_related("campaign__sponsor").get(
            pk=data["id"], key=data["key"]
        )
    except (signing.BadSignature, SponsorReportLink.DoesNotExist, KeyError, TypeError, ValueError):
        raise Http404("This report link is not valid.") from None
    if link.revoked_at is not None:
        raise Http404("This report link is not valid.")
    return link


@never_cache
def sponsor_report(request, token):
    """The campaign report for the sponsor, read-only and without an account."""
    link = link_for_token(token)
    if not link.is_valid():
        response = render(request, "sponsors/report_expired.html", {"link": link}, status=410)
        response["X-Robots-Tag"] = "noindex"
        return response
    report = campaign_report(link.campaign)
    if request.GET.get("format") == "csv":
        response = report_csv(report, slugify(f"{link.campaign.sponsor.name}-{link.campaign.name}"))
    else:
        response = render(request, "sponsors/report.html", {"report": report, "link": link, "token": token})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
