import pytest
from django.conf import settings as django_settings

FALLBACK_TEMPLATES = django_settings.BASE_DIR / "tests" / "templates"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def page_templates(settings):
    """Minimal page templates, only while the project has none of its own (tests/templates/README.md)."""
    if (django_settings.BASE_DIR / "templates" / "episodes" / "episode_detail.html").exists():
        return
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], FALLBACK_TEMPLATES]}
    ]
