"""Telling the world: WebSub hubs, podping, Podcast Index and webhooks, through one outbox.

Every outgoing request is a ``Delivery`` row first, written in the transaction of the change;
a task sends it, records the answer and retries with backoff. See ``feeds`` (which feeds changed,
and the pings they get), ``webhooks`` (events for registered endpoints) and ``delivery``.
"""
