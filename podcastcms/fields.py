from django.db import models

from podcastcms.editor import rich_text_widget
from podcastcms.sanitize import sanitize_html


class RichTextField(models.TextField):
    """HTML edited in the rich-text editor and sanitised with the one allowlist on every save."""

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", rich_text_widget())
        return super().formfield(**kwargs)
