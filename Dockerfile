# The grand-ambassador image, for machines that can pull Microsoft's .NET images.
# (This repository's tests build the same image offline: tests/lab/build-ambassador-image.sh.)
#   docker build -t grand-ambassador .
#   docker run -d -v /var/run/docker.sock:/var/run/docker.sock --name red-amb grand-ambassador --name redis
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/GrandAmbassador -c Release -o /app -p:UseAppHost=false
# The entry point: binds the fronted containers' ports before the runtime starts (src/prebind/ga-prebind.c).
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
 && gcc -O2 -static -std=c11 -Wall -Wextra -Werror -o /app/ga-prebind src/prebind/ga-prebind.c

# aspnet: the HTTP server (page, API, Orleans dashboard, /metrics, /healthz, /readyz) is ASP.NET Core.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
# wget for the HEALTHCHECK (the aspnet image has neither wget nor curl).
RUN apt-get update && apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
# Healthy = ready: silo active, agent connected, every fronted name listening. Follows --http given as
# GRAND_AMBASSADOR_HTTP; with --http off (or another port on the command line) override or disable it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD wget -q -O /dev/null "http://${GRAND_AMBASSADOR_HTTP:-127.0.0.1:8787}/readyz" || exit 1
ENTRYPOINT ["/app/ga-prebind", "dotnet", "/app/grand-ambassador.dll"]
