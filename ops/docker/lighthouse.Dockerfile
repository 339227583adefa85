# syntax=docker/dockerfile:1
# The lighthouse (cluster seed, farm-name DNS, service discovery), with farmctl beside it
# (`docker compose exec lighthouse farmctl cluster show`). Build from the repository root:
#   docker build -f ops/docker/lighthouse.Dockerfile .
# Base images are pinned by digest (the .NET 10 SDK and runtime of one release); ops/docker/README.md says how to move them.
FROM mcr.microsoft.com/dotnet/sdk:10.0@sha256:e1ffd2a92ae84c1291bc1b6887501f8af98e6331e7af6d4c8d37168c5e87a64c AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Directory.Build.props src/
COPY src/Farm.Shared/Farm.Shared.csproj src/Farm.Shared/
COPY src/Farm.Admin/Farm.Admin.csproj src/Farm.Admin/
COPY src/Farm.Lighthouse/Farm.Lighthouse.csproj src/Farm.Lighthouse/
COPY src/Farm.Cli/Farm.Cli.csproj src/Farm.Cli/
RUN dotnet restore src/Farm.Lighthouse/Farm.Lighthouse.csproj && dotnet restore src/Farm.Cli/Farm.Cli.csproj
COPY ops/policies ops/policies
COPY src/Farm.Shared src/Farm.Shared
COPY src/Farm.Admin src/Farm.Admin
COPY src/Farm.Lighthouse src/Farm.Lighthouse
COPY src/Farm.Cli src/Farm.Cli
RUN dotnet publish src/Farm.Lighthouse/Farm.Lighthouse.csproj -c Release --no-restore -o /app \
 && dotnet publish src/Farm.Cli/Farm.Cli.csproj -c Release --no-restore -o /farmctl

FROM mcr.microsoft.com/dotnet/aspnet:10.0@sha256:a4556ed033fa96f984bb7a8d348851cb2d36b1281dd2420070045f664fbb5f94 AS runtime
WORKDIR /app
COPY --from=build /app ./
COPY --from=build /farmctl /opt/farmctl
RUN printf '#!/bin/sh\nexec dotnet /opt/farmctl/farmctl.dll "$@"\n' > /usr/local/bin/farmctl && chmod 755 /usr/local/bin/farmctl
ENV Farm__Telemetry__Listen=0.0.0.0:9464
EXPOSE 53/udp 53/tcp 4053 9464
USER $APP_UID
# The runtime image has no curl: bash's /dev/tcp asks the telemetry endpoint for readiness.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9464 && printf 'GET /healthz/ready HTTP/1.0\\r\\nHost: 127.0.0.1:9464\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "Farm.Lighthouse.dll"]
