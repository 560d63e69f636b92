from django.utils.functional import SimpleLazyObject


def network(request):
    from episodes.models import Network

    return {"network": SimpleLazyObject(Network.load)}
