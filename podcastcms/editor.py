"""Which widget edits rich text: one setting, so a deployment can swap the editor."""

from django.conf import settings
from django.utils.module_loading import import_string


def rich_text_widget():
    return import_string(settings.PODCASTCMS_RICH_TEXT_WIDGET)()
