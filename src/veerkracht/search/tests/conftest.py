import pytest

from veerkracht.search import vocabulary


@pytest.fixture(autouse=True)
def _fresh_vocabulary():
    """Each test starts with the vocabulary read again from its own database."""
    vocabulary.changed()
    yield
    vocabulary.changed()


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run the index's on-commit syncs: `with indexed(): SomeFactory(...)`."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
