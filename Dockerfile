# Crackdown application image: web (gunicorn), worker and beat run from it.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --create-home --uid 10001 crackdown
# gettext's msgfmt compiles the catalogues (locale/*.po -> .mo) at build time; .mo are not committed.
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY --from=assets /app/node_modules ./node_modules
COPY . .
RUN python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0 \
    && DEBUG=true python manage.py collectstatic --no-input -v 0 && mkdir -p var && chown -R crackdown var
USER crackdown
EXPOSE 8000
CMD ["gunicorn", "crackdown.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
