# Cheeseshop as a container: the single-file program of the linux-x64 publish profile on a minimal base.
#   docker build -t cheeseshop .
#   docker run -p 8000:8000 -v cheeseshop-data:/data cheeseshop
# deploy/compose.yaml runs two of them on PostgreSQL and an S3-compatible store behind a proxy.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# The projects' files first, so a change to the code alone reuses the restored packages.
COPY Directory.Build.props ./
COPY src/Cheeseshop.Core/Cheeseshop.Core.csproj src/Cheeseshop.Core/
COPY src/Cheeseshop/Cheeseshop.csproj src/Cheeseshop/
RUN dotnet restore src/Cheeseshop/Cheeseshop.csproj -r linux-x64
COPY src/ src/
RUN dotnet publish src/Cheeseshop/Cheeseshop.csproj -c Release -p:PublishProfile=linux-x64 --no-restore -o /out

# runtime-deps: the native libraries .NET needs and nothing else (the program carries its runtime).
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
# curl, for the health check only.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data && chown "$APP_UID" /data
COPY --from=build /out/cheeseshop /usr/local/bin/cheeseshop
# The image's unprivileged user (APP_UID, 1654, made by the base image); never root.
USER $APP_UID
# The program unpacks its native libraries (SQLite, libsodium) at start; /tmp is writable by anyone.
ENV DOTNET_BUNDLE_EXTRACT_BASE_DIR=/tmp/cheeseshop-bundle \
    CHEESESHOP_DataDir=/data
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=6s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8000/health/ready || exit 1
ENTRYPOINT ["/usr/local/bin/cheeseshop"]
CMD ["serve", "--urls", "http://0.0.0.0:8000"]
