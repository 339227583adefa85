# syntax=docker/dockerfile:1
# The farm's lighthouse: built with the SDK, run on a Debian runtime image (native libraries behave
# as on Debian hosts) as the image's non-root user. Build from the repository root:
#   docker build -f ops/docker/lighthouse.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Directory.Build.props src/
COPY src/Farm.Shared/Farm.Shared.csproj src/Farm.Shared/
COPY src/Farm.Lighthouse/Farm.Lighthouse.csproj src/Farm.Lighthouse/
RUN dotnet restore src/Farm.Lighthouse/Farm.Lighthouse.csproj
COPY ops/policies ops/policies
COPY src/Farm.Shared src/Farm.Shared
COPY src/Farm.Lighthouse src/Farm.Lighthouse
RUN dotnet publish src/Farm.Lighthouse/Farm.Lighthouse.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-trixie-slim AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV Farm__Telemetry__Listen=0.0.0.0:9464
EXPOSE 9464
USER $APP_UID
# The runtime image has no curl: bash's /dev/tcp asks the telemetry endpoint for readiness.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9464 && printf 'GET /healthz/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "Farm.Lighthouse.dll"]
