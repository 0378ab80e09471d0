# Crackdown application image: web (gunicorn), worker and beat run from it.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --create-home --uid 10001 crackdown
COPY .ci/apt-packages /tmp/apt-packages
RUN apt-get update && grep -v '^#' /tmp/apt-packages | xargs apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY --from=assets /app/node_modules ./node_modules
COPY . .
# Catalogues compiled (locale/*.po -> .mo, never committed); static files collected with
# production settings, so that the hashed names' manifest is written (pages answer 500 without
# it). The key and host are placeholders for this build step only.
RUN python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0 \
    && DEBUG=false SECRET_KEY=collectstatic-build-only ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --no-input -v 0 && mkdir -p var/evidence && chown -R crackdown var
USER crackdown
EXPOSE 8000
CMD ["gunicorn", "crackdown.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
