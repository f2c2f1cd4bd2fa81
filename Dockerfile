# syntax=docker/dockerfile:1
# The ConcertBooking application: one image for every role (api, relay, notification, ranking, data-platform);
# `ROLES` picks what a container runs. Built from the repository root:
#
#   docker build -t concertbooking .
#
# deploy/docker-compose.yaml runs it against PostgreSQL and a three-broker Kafka cluster (docs/deploy.md).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# The NuGet packages stay in BuildKit's cache between builds, so a change to the code does not download them again
# (and no list of projects has to be kept here).
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish src/ConcertBooking.Api/ConcertBooking.Api.csproj -c Release -r linux-x64 --self-contained false -o /app

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
