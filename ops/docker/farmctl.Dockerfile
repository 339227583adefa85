# syntax=docker/dockerfile:1
# farmctl alone, for one-shot jobs such as docker-compose.yml's `certs` service. Build from the repository root:
#   docker build -f ops/docker/farmctl.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0@sha256:e1ffd2a92ae84c1291bc1b6887501f8af98e6331e7af6d4c8d37168c5e87a64c AS build
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

FROM mcr.microsoft.com/dotnet/aspnet:10.0@sha256:a4556ed033fa96f984bb7a8d348851cb2d36b1281dd2420070045f664fbb5f94 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENTRYPOINT ["dotnet", "farmctl.dll"]
