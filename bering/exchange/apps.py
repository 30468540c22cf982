from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "bering.exchange"
    label = "exchange"
