"""Background tasks of the initiatives app (Django Tasks API; RQ in production)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task()
def send_signup_confirmation(*, initiative_id: int, token: str) -> None:
    """E-mail the link that confirms a public sign-up (Dutch)."""
    from .models import Initiative

    initiative = Initiative.objects.filter(pk=initiative_id).first()
    if initiative is None or not initiative.contact_email:
        return
    link = settings.VEERKRACHT_SITE_URL.rstrip("/") + reverse(
        "initiatives:signup_confirm", kwargs={"token": token}
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {"initiative": initiative, "link": link}
        subject = render_to_string("initiatives/email/signup_subject.txt", context).strip()
        body = render_to_string("initiatives/email/signup_body.txt", context)
    send_mail(subject, body, None, [initiative.contact_email])
