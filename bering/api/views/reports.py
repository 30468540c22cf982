"""Report figures as JSON: the same selectors as the report pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView
from bering.core import clock
from bering.reports import selectors
from bering.reports.permissions import require_organization_scope


class CountOut(serializers.Serializer[object]):
    name = serializers.CharField()
    count = serializers.IntegerField()


class CoverageOrganizationOut(serializers.Serializer[object]):
    name = serializers.CharField()
    kind = serializers.CharField()
    municipality = serializers.CharField()
    connected_on = serializers.DateField(allow_null=True)
    active_users = serializers.IntegerField()
    registered = serializers.IntegerField()
    registered_30d = serializers.IntegerField()


class CoverageOut(serializers.Serializer[object]):
    target = serializers.IntegerField()
    connected = serializers.IntegerField()
    share = serializers.FloatField()
    active_users_30d = serializers.IntegerField()
    users_total = serializers.IntegerField()
    documents_registered = serializers.IntegerField()
    documents_registered_30d = serializers.IntegerField()
    by_kind = CountOut(many=True)
    by_municipality = CountOut(many=True)
    organizations = CoverageOrganizationOut(many=True)


class CoverageView(ApiView):
    """Coverage of the region: organizations connected, active users, documents registered."""

    @extend_schema(responses=CoverageOut, operation_id="reports_coverage")
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        data = selectors.coverage(scope=require_organization_scope(actor), now=clock.now())
        body = {
            "target": data.target,
            "connected": data.connected,
            "share": data.share,
            "active_users_30d": data.active_users_30d,
            "users_total": data.users_total,
            "documents_registered": data.documents_registered,
            "documents_registered_30d": data.documents_registered_30d,
            "organizations": data.organizations,
            "by_kind": [{"name": k, "count": v} for k, v in data.by_kind],
            "by_municipality": [{"name": k, "count": v} for k, v in data.by_municipality],
        }
        return Response(CoverageOut(body).data)
