using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Cheeseshop.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Upstream : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "proxied_files",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    project = table.Column<string>(type: "text", nullable: false),
                    filename = table.Column<string>(type: "text", nullable: false),
                    sha256 = table.Column<string>(type: "text", nullable: false),
                    path = table.Column<string>(type: "text", nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    metadata_sha256 = table.Column<string>(type: "text", nullable: true),
                    fetched = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_proxied_files", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "upstream_merges",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    set_by = table.Column<string>(type: "text", nullable: false),
                    created = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_upstream_merges", x => x.name);
                });

            migrationBuilder.CreateIndex(
                name: "ix_proxied_files_filename",
                table: "proxied_files",
                column: "filename",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_proxied_files_project",
                table: "proxied_files",
                column: "project");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "proxied_files");

            migrationBuilder.DropTable(
                name: "upstream_merges");
        }
    }
}
