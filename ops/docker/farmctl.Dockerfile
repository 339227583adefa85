# syntax=docker/dockerfile:1
# farmctl, for one-shot jobs such as docker-compose.yml's `certs` service. Build from the repository root:
#   docker build -f ops/docker/farmctl.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Directory.Build.props src/
COPY src/Farm.Shared/Farm.Shared.csproj src/Farm.Shared/
COPY src/Farm.Cli/Farm.Cli.csproj src/Farm.Cli/
RUN dotnet restore src/Farm.Cli/Farm.Cli.csproj
COPY ops/policies ops/policies
COPY src/Farm.Shared src/Farm.Shared
COPY src/Farm.Cli src/Farm.Cli
RUN dotnet publish src/Farm.Cli/Farm.Cli.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-trixie-slim AS runtime
WORKDIR /app
COPY --from=build /app ./
ENTRYPOINT ["dotnet", "farmctl.dll"]
