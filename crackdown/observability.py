"""Error reporting (Sentry) and tracing (OpenTelemetry), each on only when its environment says so.

- `SENTRY_DSN`: errors of the web app and the worker go to that Sentry project
  (`SENTRY_ENVIRONMENT`, `SENTRY_TRACES_SAMPLE_RATE`, default 0: errors only). No personal
  data is sent (`send_default_pii` off), and request bodies and cookies are never attached.
- `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`): each request is
  traced and exported over OTLP/HTTP (the other standard `OTEL_*` variables apply:
  `OTEL_SERVICE_NAME`, headers, sampling).

Neither is set by default, and then nothing is initialised and nothing leaves the host.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import sentry_sdk
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

log = logging.getLogger(__name__)


def init_sentry(environ: Mapping[str, str] = os.environ) -> bool:
    dsn = environ.get("SENTRY_DSN", "")
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environ.get("SENTRY_ENVIRONMENT") or None,
        traces_sample_rate=float(environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
        send_default_pii=False,
        max_request_body_size="never",
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
    log.info("Sentry error reporting is on")
    return True


def init_tracing(environ: Mapping[str, str] = os.environ) -> bool:
    if not (environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")):
        return False
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: environ.get("OTEL_SERVICE_NAME", "crackdown")}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument(tracer_provider=provider)
    log.info("OpenTelemetry tracing is on")
    return True
