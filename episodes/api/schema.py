"""The OpenAPI schema: every operation documents the errors it may answer, in the one error shape."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    code = serializers.CharField(help_text="A stable code, e.g. invalid, not_found, precondition_failed.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: messages by field path, e.g. `sponsor_reads.0.campaign`.",
    )

    class Meta:
        ref_name = "Error"


ERRORS = {
    "400": "Invalid input, with messages by field",
    "401": "No token, or an unknown, revoked or expired one",
    "403": "Your role, or the token, does not allow this",
    "404": "Not found: no such object, or one you may not see",
    "409": "Conflicts with the object's state (e.g. still used elsewhere)",
    "412": "If-Match did not match: the object changed since you read it",
    "415": "Send JSON or multipart/form-data",
    "429": "Too many requests for this token: wait for Retry-After seconds",
}
READ_ERRORS = {"400", "401", "403", "404", "429"}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = READ_ERRORS if self.method in ("GET", "HEAD") else set(ERRORS)
        for code in sorted(codes):
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERRORS[code]
                responses[code] = response
        if self.method == "GET" and getattr(self.view, "action", None) in (None, "retrieve", "by_guid"):
            responses.setdefault("304", {"description": "Not modified: your If-None-Match is current"})
        return responses
