using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cheeseshop.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Downloads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "download_agents",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    details_hash = table.Column<string>(type: "TEXT", nullable: false),
                    installer_name = table.Column<string>(type: "TEXT", nullable: true),
                    installer_version = table.Column<string>(type: "TEXT", nullable: true),
                    python = table.Column<string>(type: "TEXT", nullable: true),
                    implementation_name = table.Column<string>(type: "TEXT", nullable: true),
                    implementation_version = table.Column<string>(type: "TEXT", nullable: true),
                    distro_name = table.Column<string>(type: "TEXT", nullable: true),
                    distro_version = table.Column<string>(type: "TEXT", nullable: true),
                    distro_id = table.Column<string>(type: "TEXT", nullable: true),
                    distro_libc_lib = table.Column<string>(type: "TEXT", nullable: true),
                    distro_libc_version = table.Column<string>(type: "TEXT", nullable: true),
                    system_name = table.Column<string>(type: "TEXT", nullable: true),
                    system_release = table.Column<string>(type: "TEXT", nullable: true),
                    cpu = table.Column<string>(type: "TEXT", nullable: true),
                    openssl_version = table.Column<string>(type: "TEXT", nullable: true),
                    setuptools_version = table.Column<string>(type: "TEXT", nullable: true),
                    rustc_version = table.Column<string>(type: "TEXT", nullable: true),
                    ci = table.Column<bool>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_agents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "download_daily_counts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    project = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<string>(type: "TEXT", nullable: true),
                    package_type = table.Column<string>(type: "TEXT", nullable: true),
                    country_code = table.Column<string>(type: "TEXT", nullable: true),
                    installer = table.Column<string>(type: "TEXT", nullable: true),
                    python_major = table.Column<string>(type: "TEXT", nullable: true),
                    python_minor = table.Column<string>(type: "TEXT", nullable: true),
                    system = table.Column<string>(type: "TEXT", nullable: true),
                    ci = table.Column<bool>(type: "INTEGER", nullable: true),
                    downloads = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_daily_counts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "download_daily_series",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    breakdown = table.Column<string>(type: "TEXT", nullable: false),
                    value = table.Column<string>(type: "TEXT", nullable: true),
                    mirror = table.Column<bool>(type: "INTEGER", nullable: false),
                    downloads = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_daily_series", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "download_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    country_code = table.Column<string>(type: "TEXT", nullable: true),
                    file_id = table.Column<long>(type: "INTEGER", nullable: false),
                    agent_id = table.Column<long>(type: "INTEGER", nullable: true),
                    tls_protocol = table.Column<string>(type: "TEXT", nullable: true),
                    tls_cipher = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "download_files",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    filename = table.Column<string>(type: "TEXT", nullable: false),
                    url = table.Column<string>(type: "TEXT", nullable: false),
                    project = table.Column<string>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    version = table.Column<string>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_files", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "download_rollup_state",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    recompute_from = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    last_run_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_rollup_state", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "simple_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    country_code = table.Column<string>(type: "TEXT", nullable: true),
                    url = table.Column<string>(type: "TEXT", nullable: false),
                    project = table.Column<string>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    agent_id = table.Column<long>(type: "INTEGER", nullable: true),
                    tls_protocol = table.Column<string>(type: "TEXT", nullable: true),
                    tls_cipher = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_simple_requests", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_download_agents_details_hash",
                table: "download_agents",
                column: "details_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_download_daily_counts_date",
                table: "download_daily_counts",
                column: "date");

            migrationBuilder.CreateIndex(
                name: "ix_download_daily_series_date_breakdown",
                table: "download_daily_series",
                columns: new[] { "date", "breakdown" });

            migrationBuilder.CreateIndex(
                name: "ix_download_daily_series_project_id_breakdown_date",
                table: "download_daily_series",
                columns: new[] { "project_id", "breakdown", "date" });

            migrationBuilder.CreateIndex(
                name: "ix_download_events_timestamp",
                table: "download_events",
                column: "timestamp");

            migrationBuilder.CreateIndex(
                name: "ix_download_files_filename",
                table: "download_files",
                column: "filename",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_download_files_project_id",
                table: "download_files",
                column: "project_id");

            migrationBuilder.CreateIndex(
                name: "ix_simple_requests_project_id_timestamp",
                table: "simple_requests",
                columns: new[] { "project_id", "timestamp" });

            migrationBuilder.CreateIndex(
                name: "ix_simple_requests_timestamp",
                table: "simple_requests",
                column: "timestamp");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "download_agents");

            migrationBuilder.DropTable(
                name: "download_daily_counts");

            migrationBuilder.DropTable(
                name: "download_daily_series");

            migrationBuilder.DropTable(
                name: "download_events");

            migrationBuilder.DropTable(
                name: "download_files");

            migrationBuilder.DropTable(
                name: "download_rollup_state");

            migrationBuilder.DropTable(
                name: "simple_requests");
        }
    }
}
