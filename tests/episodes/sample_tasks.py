"""Tasks the task-runner tests enqueue (tasks must be module-level functions)."""

from episodes.tasks import background

CALLS = []


class Flaky(Exception):
    pass


@background(retries=2, backoff=10)
def fails_twice(label):
    CALLS.append(label)
    if len(CALLS) <= 2:
        raise Flaky(f"attempt {len(CALLS)} of {label} failed")
    return f"{label} done"


@background(retries=5, backoff=10, permanent=(ValueError,))
def refuses_bad_input(value):
    CALLS.append(value)
    raise ValueError(f"{value!r} is not a show slug")
