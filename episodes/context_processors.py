from django.utils.functional import SimpleLazyObject


def network_for(request):
    """The network, loaded once per request (views and templates share it)."""
    from episodes.models import Network

    if not hasattr(request, "_network"):
        request._network = Network.load()
    return request._network


def network(request):
    return {"network": SimpleLazyObject(lambda: network_for(request))}
