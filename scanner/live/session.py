"""boto3 sessions: profile, credentials check, retry configuration and the caller's account id.

Every failure a user can cause (unknown profile, no credentials, bad Region, unreachable endpoint,
rejected credentials) becomes one ``InputError`` line. ``AWS_ENDPOINT_URL`` (and the per-service
``AWS_ENDPOINT_URL_<SERVICE>``) is honoured by botocore itself for every client created here.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    import boto3
    from botocore.config import Config

    from .budget import AdaptiveBucket

MAX_ATTEMPTS = 8
"""Retries after the first attempt (botocore's legacy ``max_attempts`` meaning)."""
REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")
NO_CREDENTIALS = (
    "no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pass --profile, "
    "or run on a host with an instance/task role)"
)


def retry_config(workers: int = 8) -> Config:
    """The botocore ``Config`` every client uses: standard-mode retry conditions (``make_client``
    replaces their backoff, see ``scanner.live.budget``) and a connection pool sized for the workers."""
    from botocore.config import Config

    return Config(retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
                  max_pool_connections=max(10, 2 * workers), user_agent_extra="haguard")


_LOADER: Any = None
_LOADER_LOCK = threading.Lock()


def botocore_session(profile: str | None = None) -> Any:
    """A botocore session sharing this process's model loader.

    Each botocore session otherwise parses the service models again (0.2-0.4 s per service): a scan
    creating one session per account would spend most of its time there.
    """
    import botocore.loaders
    import botocore.session

    global _LOADER
    with _LOADER_LOCK:
        if _LOADER is None:
            _LOADER = botocore.loaders.create_loader()
        core = botocore.session.Session(profile=profile)
        core.register_component("data_loader", _LOADER)
    return core


def create_session(profile: str | None = None, region: str | None = None) -> boto3.Session:
    """A boto3 session for ``profile`` with credentials present, else ``InputError``."""
    import boto3
    from botocore.exceptions import BotoCoreError, ProfileNotFound

    try:
        session = boto3.Session(botocore_session=botocore_session(profile), region_name=region)
        credentials = session.get_credentials()
    except ProfileNotFound:
        raise InputError(f"unknown AWS profile {profile!r} (not in the AWS config or credentials files)") from None
    except BotoCoreError as exc:
        raise InputError(f"cannot load AWS credentials: {_first_line(exc)}") from None
    if credentials is None:
        raise InputError(NO_CREDENTIALS)
    return session


def check_region(session: boto3.Session, region: str) -> str:
    """``region`` when boto3 knows it or it looks like a Region name, else ``InputError``."""
    known = set(session.get_available_regions("ec2")) | set(
        session.get_available_regions("ec2", partition_name="aws-us-gov")
    ) | set(session.get_available_regions("ec2", partition_name="aws-cn"))
    if region in known or REGION_PATTERN.match(region):
        return region
    raise InputError(f"unknown AWS Region {region!r} (e.g. us-east-1, eu-west-1; or 'all')")


def caller_account(session: boto3.Session, region: str, config: Config | None = None,
                   hooks: Sequence[Callable[[Any], None]] = ()) -> str:
    """The account id of the session's credentials (``sts:GetCallerIdentity``)."""
    client = make_client(session, "sts", region, config or retry_config(), hooks)
    response = call_or_input_error(client.get_caller_identity, "sts:GetCallerIdentity")
    return str(response["Account"])


def call_or_input_error(method: Any, what: str, **params: Any) -> Any:
    """Call a boto3 method whose failure ends the scan: every AWS or transport error -> ``InputError``."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
    )

    try:
        return method(**params)
    except NoCredentialsError:
        raise InputError(NO_CREDENTIALS) from None
    except NoRegionError:
        raise InputError("no AWS Region: pass --region or set AWS_REGION") from None
    except EndpointConnectionError as exc:
        raise InputError(f"cannot reach the AWS endpoint {exc.kwargs.get('endpoint_url', '')} ({what})") from None
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        message = exc.response.get("Error", {}).get("Message", "")
        raise InputError(f"{what} failed: {code}: {_first_line(message)}") from None
    except BotoCoreError as exc:
        raise InputError(f"{what} failed: {_first_line(exc)}") from None


def _first_line(value: object) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else ""


_CLIENT_LOCK = threading.Lock()


def make_client(session: boto3.Session, service: str, region: str, config: Config,
                hooks: Sequence[Callable[[Any], None]] = (), bucket: AdaptiveBucket | None = None) -> Any:
    """A client of ``session`` with quick retries, the read-only guard and ``hooks`` installed.

    ``bucket`` (the request budget of the client's account, Region and service) paces every HTTP
    attempt. boto3 sessions are not thread-safe, so client creation is serialised; clients are.
    """
    from .budget import install_retries
    from .readonly import install

    with _CLIENT_LOCK:
        client = session.client(service, region_name=region, config=config)
    install_retries(client, bucket)
    install(client)
    for hook in hooks:
        hook(client)
    return client
