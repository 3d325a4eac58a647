from io import StringIO

import pytest
from django.core.management import call_command

from veerkracht.monitor.models import IndexRun

pytestmark = pytest.mark.django_db


def test_build_index_if_missing_keeps_make_setup_idempotent():
    IndexRun.objects.create(
        level="gemeente", years=[2023], status=IndexRun.Status.FINISHED, published=True
    )
    out = StringIO()
    call_command("build_index", "--years", "2023", "--if-missing", stdout=out)
    assert "nothing built" in out.getvalue()
    assert IndexRun.objects.count() == 1
