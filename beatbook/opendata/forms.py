"""Forms of the open data pages: they parse input; the services decide and write. The view gives
the choices (the forces whose open data the actor manages)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Force

from .services.imports import MAX_FILE_BYTES
from .services.publish import months_to_offer


def _force_choices(form: forms.Form, forces: Sequence[Force]) -> dict[int, Force]:
    field = form.fields["force"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [(f.pk, f.name) for f in forces]
    return {f.pk: f for f in forces}


class CrimeImportForm(forms.Form):
    force = forms.TypedChoiceField(label=_("Force"), coerce=int, error_messages={"required": _("Choose the force")})
    file = forms.FileField(
        label=_("police.uk street-level CSV file"),
        help_text=_(
            "A monthly *-street.csv file from the police.uk archive (Crime ID, Month, Reported by, ... Context), "
            "at most 50 MB."
        ),
        error_messages={"required": _("Choose the file to import"), "empty": _("The file is empty.")},
    )

    def __init__(self, *args: Any, forces: Sequence[Force], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.forces = _force_choices(self, forces)

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB: split it by month.") % {"mb": MAX_FILE_BYTES // 2**20}
            )
        return upload

    def force_chosen(self) -> Force:
        return self.forces[self.cleaned_data["force"]]

    def content(self) -> bytes:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        return b"".join(upload.chunks())

    def filename(self) -> str:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        return upload.name or ""


class PublishForm(forms.Form):
    """A force and a whole month (the last 24 are offered)."""

    force = forms.TypedChoiceField(label=_("Force"), coerce=int, error_messages={"required": _("Choose the force")})
    month = forms.ChoiceField(label=_("Month"), error_messages={"required": _("Choose the month")})

    def __init__(self, *args: Any, forces: Sequence[Force], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.forces = _force_choices(self, forces)
        field = self.fields["month"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f"{m:%Y-%m}", formats.date_format(m, "F Y")) for m in months_to_offer()]

    def force_chosen(self) -> Force:
        return self.forces[self.cleaned_data["force"]]

    def month_chosen(self) -> dt.date:
        text: str = self.cleaned_data["month"]
        return dt.date(int(text[:4]), int(text[5:7]), 1)
