"""A storage shaped like object storage: files have URLs elsewhere and no local path."""

from django.core.files.storage import FileSystemStorage


class NoLocalPathStorage(FileSystemStorage):
    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def url(self, name):
        return f"https://media.example.com/{name}"
