# The grand-ambassador image, for machines that can pull Microsoft's .NET images.
# (This repository's tests build the same image offline: tests/lab/build-ambassador-image.sh.)
#   docker build -t grand-ambassador .
#   docker run -d -v /var/run/docker.sock:/var/run/docker.sock --name red-amb grand-ambassador --name redis
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/GrandAmbassador -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
ENTRYPOINT ["dotnet", "/app/grand-ambassador.dll"]
