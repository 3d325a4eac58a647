"""Forms of the account, AVG and administrator pages.

Widgets get the Utrecht component classes here; Django itself marks invalid inputs
with aria-invalid and ties help texts and errors to them with aria-describedby
(ids `<id>_helptext` and `<id>_error`, rendered by core/account/_field.html).
"""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UsernameField,
)
from django.core.exceptions import ValidationError
from django.forms.widgets import Input
from django.utils.translation import gettext_lazy as _

from .services.people import user_password_set

WIDGET_CLASSES: list[tuple[type[forms.Widget], str, str]] = [
    # widget class, CSS classes, extra class when invalid
    (
        forms.CheckboxInput,
        "utrecht-checkbox utrecht-checkbox--html-input",
        "utrecht-checkbox--invalid",
    ),
    (
        forms.Textarea,
        "utrecht-textarea utrecht-textarea--html-textarea",
        "utrecht-textarea--invalid",
    ),
    (forms.Select, "utrecht-select utrecht-select--html-select", "utrecht-select--invalid"),
    (Input, "utrecht-textbox utrecht-textbox--html-input", "utrecht-textbox--invalid"),
]


def _classes_for(widget: forms.Widget) -> tuple[str, str]:
    for widget_class, css, invalid in WIDGET_CLASSES:
        if isinstance(widget, widget_class):
            return css, invalid
    return "", ""


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the fields it names, the rest
    (and errors without a field) at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class UtrechtFormMixin:
    """Adds the Utrecht classes to every widget, and the invalid modifier after validation."""

    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css, _invalid = _classes_for(field.widget)
            if css:
                existing = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{existing} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self._errors or {}:
            field = self.fields.get(name)
            if field is None:
                continue
            _css, invalid = _classes_for(field.widget)
            if invalid and invalid not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {invalid}"


class LoginForm(UtrechtFormMixin, AuthenticationForm):
    """Log in with e-mail address and password (the `username` field holds the e-mail)."""

    username = UsernameField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is not correct. Check both and try again."
        ),
        "inactive": _("This account is not active."),
    }

    def clean_username(self) -> str:
        # One spelling per address, so that the lockout counts every attempt together.
        return (self.cleaned_data.get("username") or "").strip().lower()


class PasswordResetRequestForm(UtrechtFormMixin, PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class _AuditedPasswordSaveMixin:
    """Store the new password through the people service, which writes the audit record."""

    user: object
    cleaned_data: dict

    def save(self, commit: bool = True):
        if not commit:
            self.user.set_password(self.cleaned_data["new_password1"])
            return self.user
        return user_password_set(
            actor=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )


class AccountSetPasswordForm(_AuditedPasswordSaveMixin, UtrechtFormMixin, SetPasswordForm):
    """Choose a new password after following the link in the e-mail."""


class AccountPasswordChangeForm(_AuditedPasswordSaveMixin, UtrechtFormMixin, PasswordChangeForm):
    """Change one's own password, giving the current one."""


class ErasureRequestForm(UtrechtFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        help_text=_("You do not have to give a reason. If you do, it helps us to improve."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ErasureCarryOutForm(UtrechtFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked this request and want to erase this person's personal data now."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class ErasureRefuseForm(UtrechtFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Reason for refusing"),
        help_text=_("The person sees this reason on their erasure page. Write it for them."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the person a reason for refusing.")},
    )

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("Give the person a reason for refusing."))
        return note


class AuditFilterForm(UtrechtFormMixin, forms.Form):
    """Filters of the audit trail page (GET parameters)."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=254,
        help_text=_("An e-mail address or a person's number; “system” for automatic changes."),
    )

    def __init__(self, *args, actions: list[str], object_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["action"].choices = everything + [(value, value) for value in actions]
        self.fields["object_type"].choices = everything + [(value, value) for value in object_types]

    def clean_actor(self) -> str:
        return self.cleaned_data["actor"].strip()
