using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cheeseshop.Data.Migrations.Sqlite
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
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    project = table.Column<string>(type: "TEXT", nullable: false),
                    filename = table.Column<string>(type: "TEXT", nullable: false),
                    sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    path = table.Column<string>(type: "TEXT", nullable: false),
                    size = table.Column<long>(type: "INTEGER", nullable: false),
                    metadata_sha256 = table.Column<string>(type: "TEXT", nullable: true),
                    fetched = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_proxied_files", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "upstream_merges",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    set_by = table.Column<string>(type: "TEXT", nullable: false),
                    created = table.Column<DateTime>(type: "TEXT", nullable: false)
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
