# dealerbot: one image for chat workers (`run`) and the scheduler (`scheduler`).
#   docker build -t dealerbot .
#   docker run -v $PWD/config.toml:/config/config.toml:ro -v dealerbot-data:/data dealerbot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Chart labels are drawn in Chinese with the CJK font the Python dependencies install.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY domain ./domain
COPY handlers ./handlers
COPY storage ./storage
RUN pip install . && rm -rf /src
# The sample dealer policy `demo` loads into policy Q&A (bot/policy_files.py finds it here).
COPY policies /usr/local/share/dealerbot/policies

RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home dealerbot \
    && mkdir -p /config && chown dealerbot:dealerbot /config
USER dealerbot
# The default SQLite file (sqlite:///dealerbot.db) and saved files land in the /data volume;
# multi-process deployments set database.url to PostgreSQL instead.
WORKDIR /data
VOLUME ["/data"]

# Mount the configuration here (read-only is fine); environment variables
# DEALERBOT_<SECTION>__<KEY> override single keys, e.g. DEALERBOT_TELEGRAM__TOKEN.
ENV DEALERBOT_CONFIG=/config/config.toml
# Telegram webhook and Slack HTTP mode listen here when configured to 0.0.0.0.
EXPOSE 8443 3000

ENTRYPOINT ["dealerbot"]
CMD ["run"]
