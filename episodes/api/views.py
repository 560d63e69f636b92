"""The API's endpoints. Every queryset is scoped by ``episodes.access`` (through ``.access``),
so another show's object is not found (404); an action the role lacks is forbidden (403)."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, ProtectedError
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from episodes.models import Episode, Network, Show, Team, Transcript
from episodes.scoped_admin import protection_reasons
from people.models import Credit, Person, Pick, ShowHost
from sponsors.models import Campaign, Sponsor, SponsorRead

from . import access
from .errors import Conflict, PreconditionFailed
from .filters import EpisodeFilter
from .pagination import Pagination
from .permissions import ApiPermission
from .serializers import (
    CampaignSerializer,
    EpisodeSerializer,
    NetworkSerializer,
    PersonSerializer,
    ShowSerializer,
    SponsorSerializer,
    TeamSerializer,
    TranscriptSerializer,
)

READ_ACTIONS = {"list", "retrieve", "metadata"}


def etag_of(data):
    body = json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _tags(header):
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you read: the change is refused with 412 when the object changed since.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you have: 304 with no body when the object has not changed.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    required=True,
    description="The object's version: send it back as If-Match when you change it.",
)


class ConditionalMixin:
    """ETags on every object; ``If-Match`` on writes (412 when stale), ``If-None-Match`` on reads."""

    parser_classes = [JSONParser, MultiPartParser]

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.base_queryset()
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            # The row stays locked until the write ends: two tools never interleave.
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def represent(self, instance):
        data = self.get_serializer(instance).data
        return data, etag_of(data)

    def check_if_match(self, request, instance):
        header = request.headers.get("If-Match")
        if header is None:
            return
        tags = _tags(header)
        if "*" in tags:
            return
        if self.represent(instance)[1] not in tags:
            raise PreconditionFailed()

    def fresh(self, instance):
        return self.base_queryset().get(pk=instance.pk)

    def written(self, instance, code):
        data, etag = self.represent(self.fresh(instance))
        return Response(data, status=code, headers={"ETag": etag})

    def retrieve(self, request, *args, **kwargs):
        data, etag = self.represent(self.get_object())
        if etag in _tags(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        with transaction.atomic():
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return self.written(serializer.instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_object()
            self.check_if_match(request, instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return self.written(serializer.instance, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            self.check_if_match(request, instance)
            try:
                instance.delete()
            except ProtectedError:
                raise Conflict(" ".join(protection_reasons([instance]))) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiViewSet(ConditionalMixin, viewsets.ModelViewSet):
    permission_classes = [ApiPermission]
    pagination_class = Pagination
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def allows(self, request, obj):
        raise NotImplementedError


def detail_schema(**extra):
    """If-Match on writes, for every resource."""
    views = {
        "retrieve": extend_schema(parameters=[IF_NONE_MATCH, ETAG]),
        "create": extend_schema(parameters=[ETAG]),
        "update": extend_schema(parameters=[IF_MATCH, ETAG]),
        "partial_update": extend_schema(parameters=[IF_MATCH, ETAG]),
        "destroy": extend_schema(parameters=[IF_MATCH]),
    }
    return extend_schema_view(**{**views, **extra})


@detail_schema(
    list=extend_schema(summary="Episodes of the shows you may see, newest first"),
    create=extend_schema(
        summary="Create an episode (a draft unless status says otherwise)", parameters=[ETAG]
    ),
    destroy=extend_schema(summary="Delete an episode (editors: it leaves the feed)", parameters=[IF_MATCH]),
)
class EpisodeViewSet(ApiViewSet):
    """Episodes: producers draft and mark ready for review; editors publish, schedule, delete."""

    serializer_class = EpisodeSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = EpisodeFilter

    def base_queryset(self):
        return (
            Episode.objects.filter(show__in=access.shows_for(self.request, "view"))
            .select_related("show", "published_by")
            .prefetch_related(
                Prefetch("credits", queryset=Credit.objects.select_related("person")),
                Prefetch("picks", queryset=Pick.objects.select_related("person")),
                "links",
                Prefetch("sponsor_reads", queryset=SponsorRead.objects.select_related("campaign__sponsor")),
                "chapters",
                "soundbites",
                "transcripts",
            )
            .order_by("-pk")
        )

    def allows(self, request, obj):
        if self.action in READ_ACTIONS or request.method == "GET":
            return access.can(request, "view", obj.show if obj else None)
        if obj is None:
            return access.can(request, "edit")
        if self.action == "destroy":
            return access.can(request, "publish", obj.show)
        return access.can(request, "edit", obj.show)

    @extend_schema(
        methods=["GET"],
        summary="The episode with this guid",
        parameters=[OpenApiParameter("guid", OpenApiTypes.STR, OpenApiParameter.PATH), IF_NONE_MATCH, ETAG],
    )
    @extend_schema(
        methods=["PUT"],
        summary="Create or update the episode with this guid (idempotent)",
        description="Creates the episode (201) when no episode has this guid, else updates it (200). "
        "Sending the same request again changes nothing more. `If-Match` guards an update; "
        "`If-None-Match: *` refuses to update an existing episode (412).",
        parameters=[
            OpenApiParameter("guid", OpenApiTypes.STR, OpenApiParameter.PATH),
            IF_MATCH,
            OpenApiParameter(
                "If-None-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="`*`: create only; 412 when an episode has this guid.",
            ),
            ETAG,
        ],
        request=EpisodeSerializer,
        responses={200: EpisodeSerializer, 201: EpisodeSerializer},
    )
    @action(detail=False, methods=["get", "put"], url_path=r"by-guid/(?P<guid>.+)")
    def by_guid(self, request, guid):
        if "\x00" in guid:
            raise exceptions.NotFound()
        if request.method == "GET":
            episode = self.filter_queryset(self.get_queryset()).filter(guid=guid).first()
            if episode is None:
                raise exceptions.NotFound()
            self.check_object_permissions(request, episode)
            self.kwargs["pk"] = episode.pk
            return self.retrieve(request, pk=episode.pk)
        if "guid" in request.data and request.data.get("guid") != guid:
            raise exceptions.ValidationError({"guid": ["The guid is given by the address; leave it out."]})
        try:
            with transaction.atomic():
                exists = Episode.objects.filter(guid=guid).exists()
                if exists:
                    episode = self.get_queryset().filter(guid=guid).first()
                    if episode is None:
                        raise exceptions.NotFound()
                    self.check_object_permissions(request, episode)
                    if "*" in _tags(request.headers.get("If-None-Match", "")):
                        raise PreconditionFailed("An episode with this guid exists already.")
                    self.check_if_match(request, episode)
                    serializer = self.get_serializer(episode, data=request.data)
                    code = status.HTTP_200_OK
                else:
                    if request.headers.get("If-Match") is not None:
                        raise PreconditionFailed("No episode has this guid.")
                    serializer = self.get_serializer(data=request.data, context_guid=guid)
                    code = status.HTTP_201_CREATED
                serializer.is_valid(raise_exception=True)
                serializer.save()
        except IntegrityError:
            raise Conflict(
                "Another request created this episode at the same time: send yours again."
            ) from None
        return self.written(serializer.instance, code)

    def get_serializer(self, *args, context_guid=None, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if context_guid is not None:
            serializer.context["guid"] = context_guid
        return serializer

    @extend_schema(
        methods=["GET"], summary="The episode's transcripts", responses=TranscriptSerializer(many=True)
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a transcript: a file (multipart) or its URL",
        request={"multipart/form-data": TranscriptSerializer, "application/json": TranscriptSerializer},
        responses={201: TranscriptSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def transcripts(self, request, pk=None):
        if request.method == "GET":
            episode = self.get_object()
            serializer = TranscriptSerializer(
                episode.transcripts.all(), many=True, context={"request": request}
            )
            return Response(serializer.data)
        with transaction.atomic():
            episode = self.get_object()
            serializer = TranscriptSerializer(
                data=request.data, context={"request": request, "episode": episode}
            )
            serializer.is_valid(raise_exception=True)
            serializer.save()
            # The episode changed, and its ETag with it.
            Episode.objects.filter(pk=episode.pk).update(updated_at=timezone.now())
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["DELETE"],
        summary="Remove a transcript",
        parameters=[OpenApiParameter("transcript_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={204: None},
    )
    @action(detail=True, methods=["delete"], url_path=r"transcripts/(?P<transcript_id>[0-9]+)")
    def transcript(self, request, pk=None, transcript_id=None):
        with transaction.atomic():
            episode = self.get_object()
            deleted, _ = Transcript.objects.filter(episode=episode, pk=transcript_id).delete()
            if not deleted:
                raise exceptions.NotFound()
            Episode.objects.filter(pk=episode.pk).update(updated_at=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


@detail_schema()
class ShowViewSet(ApiViewSet):
    """Shows: every team reads its own; network admins create, change and delete them."""

    serializer_class = ShowSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def base_queryset(self):
        return (
            Show.objects.filter(pk__in=access.shows_for(self.request, "view"))
            .prefetch_related(Prefetch("hosts", queryset=ShowHost.objects.select_related("person")))
            .order_by("pk")
        )

    def allows(self, request, obj):
        if request.method == "GET":
            return access.can(request, "view", obj)
        if obj is None:
            return access.is_network_admin(request, write=True)
        return access.can(request, "manage", obj)


class NetworkRegistryMixin:
    """People and sponsors: every team member reads; network admins (all-shows token) change."""

    def allows(self, request, obj):
        if request.method == "GET":
            return access.may_view_network_registry(request)
        return access.is_network_admin(request, write=True)


@detail_schema()
class PersonViewSet(NetworkRegistryMixin, ApiViewSet):
    serializer_class = PersonSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def base_queryset(self):
        return Person.objects.prefetch_related("links").order_by("pk")


@detail_schema()
class SponsorViewSet(NetworkRegistryMixin, ApiViewSet):
    serializer_class = SponsorSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def base_queryset(self):
        return Sponsor.objects.order_by("pk")


@detail_schema()
class CampaignViewSet(NetworkRegistryMixin, ApiViewSet):
    """Campaigns running on the shows you may see; network admins see and manage all."""

    serializer_class = CampaignSerializer

    def base_queryset(self):
        return (
            access.campaigns_for(self.request, Campaign.objects.all())
            .select_related("sponsor")
            .prefetch_related("shows")
            .order_by("pk")
        )


@detail_schema()
class TeamViewSet(ApiViewSet):
    """Teams give roles on shows: network admins only."""

    serializer_class = TeamSerializer

    def base_queryset(self):
        return Team.objects.prefetch_related("shows", "members").order_by("pk")

    def allows(self, request, obj):
        return access.is_network_admin(request, write=request.method != "GET")


@extend_schema_view(
    get=extend_schema(parameters=[IF_NONE_MATCH, ETAG]),
    put=extend_schema(parameters=[IF_MATCH, ETAG]),
    patch=extend_schema(parameters=[IF_MATCH, ETAG]),
)
class NetworkView(ConditionalMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, GenericAPIView):
    """The network itself: network admins only."""

    serializer_class = NetworkSerializer
    permission_classes = [ApiPermission]

    def base_queryset(self):
        return Network.objects.order_by("pk")

    def allows(self, request, obj):
        return access.is_network_admin(request, write=request.method != "GET")

    def get_object(self):
        # Before the network is first saved, its defaults; a write saves it.
        network = self.get_queryset().first() or Network.load()
        self.check_object_permissions(self.request, network)
        return network

    def fresh(self, instance):
        return self.base_queryset().get(pk=instance.pk) if instance.pk else instance

    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)

    def put(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def patch(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)
