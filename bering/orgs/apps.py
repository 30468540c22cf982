from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "bering.orgs"
    label = "orgs"
