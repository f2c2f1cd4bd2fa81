# The ConcertBooking application: one image for every role (api, relay, notification, ranking, data-platform);
# `ROLES` picks what a container runs. Built from the repository root:
#
#   docker build -t concertbooking .
#
# deploy/docker-compose.yaml runs it against PostgreSQL and a three-broker Kafka cluster (docs/deploy.md).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files alone, so that a change to the code does not download the packages again.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ConcertBooking.Api/ConcertBooking.Api.csproj src/ConcertBooking.Api/
COPY src/ConcertBooking.Contracts/ConcertBooking.Contracts.csproj src/ConcertBooking.Contracts/
COPY src/ConcertBooking.DataPlatform/ConcertBooking.DataPlatform.csproj src/ConcertBooking.DataPlatform/
COPY src/ConcertBooking.Domain/ConcertBooking.Domain.csproj src/ConcertBooking.Domain/
COPY src/ConcertBooking.Infrastructure/ConcertBooking.Infrastructure.csproj src/ConcertBooking.Infrastructure/
COPY src/ConcertBooking.Messaging/ConcertBooking.Messaging.csproj src/ConcertBooking.Messaging/
COPY src/ConcertBooking.Messaging.Embedded/ConcertBooking.Messaging.Embedded.csproj src/ConcertBooking.Messaging.Embedded/
COPY src/ConcertBooking.Migrations.Postgres/ConcertBooking.Migrations.Postgres.csproj src/ConcertBooking.Migrations.Postgres/
COPY src/ConcertBooking.Migrations.Sqlite/ConcertBooking.Migrations.Sqlite.csproj src/ConcertBooking.Migrations.Sqlite/
COPY src/ConcertBooking.Notifications/ConcertBooking.Notifications.csproj src/ConcertBooking.Notifications/
COPY src/ConcertBooking.Operations/ConcertBooking.Operations.csproj src/ConcertBooking.Operations/
COPY src/ConcertBooking.OpsConsole/ConcertBooking.OpsConsole.csproj src/ConcertBooking.OpsConsole/
COPY src/ConcertBooking.Persistence/ConcertBooking.Persistence.csproj src/ConcertBooking.Persistence/
COPY src/ConcertBooking.Rankings/ConcertBooking.Rankings.csproj src/ConcertBooking.Rankings/
COPY src/ConcertBooking.Storefront/ConcertBooking.Storefront.csproj src/ConcertBooking.Storefront/
COPY src/ConcertBooking.Web/ConcertBooking.Web.csproj src/ConcertBooking.Web/
RUN dotnet restore src/ConcertBooking.Api/ConcertBooking.Api.csproj -r linux-x64

COPY src/ src/
RUN dotnet publish src/ConcertBooking.Api/ConcertBooking.Api.csproj -c Release -r linux-x64 --self-contained false \
        --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# Runtime data (the SQLite file when no PostgreSQL is configured, the Kafka bootstrap file) lives outside the
# application directory, in a directory the unprivileged user owns.
RUN mkdir -p /var/lib/concertbooking && chown "$APP_UID" /var/lib/concertbooking
COPY --from=build /app ./

# Settings that every container shares; the rest comes from the environment (deploy/docker-compose.yaml).
# URLS, not ASPNETCORE_URLS: appsettings.json names a loopback address, and only unprefixed environment
# variables are read after it.
ENV URLS=http://+:8080 \
    Database__DataDirectory=/var/lib/concertbooking

USER $APP_UID
EXPOSE 8080

# /health/live answers 200 once the process serves HTTP; readiness (database, Kafka, groups) is /health/ready,
# which an orchestrator asks before sending traffic. The image has no curl: bash talks HTTP itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["dotnet", "ConcertBooking.Api.dll"]
