"""Fixtures of the scale stories: the servers scripts/test_scale.sh started."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from scale.tests.harness import Api


@pytest.fixture(scope="session")
def login() -> Callable[[str], Api]:
    made: dict[str, Api] = {}

    def get(username: str) -> Api:
        if username not in made:
            made[username] = Api(username)
        return made[username]

    return get


@pytest.fixture(scope="session")
def s3() -> Any:
    return boto3.client(
        "s3",
        endpoint_url=os.environ["BERING_S3_ENDPOINT_URL"],
        region_name=os.environ["BERING_S3_REGION"],
        aws_access_key_id=os.environ["BERING_S3_ACCESS_KEY"],
        aws_secret_access_key=os.environ["BERING_S3_SECRET_KEY"],
    )
