using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cheeseshop.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Events : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ip_addresses",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    hashed_ip = table.Column<string>(type: "TEXT", nullable: false),
                    address = table.Column<string>(type: "TEXT", nullable: true),
                    country_code = table.Column<string>(type: "TEXT", nullable: true),
                    first_seen = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_seen = table.Column<DateTime>(type: "TEXT", nullable: false),
                    address_erased_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ip_addresses", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "project_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tag = table.Column<string>(type: "TEXT", nullable: false),
                    time = table.Column<DateTime>(type: "TEXT", nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    ip_address_id = table.Column<long>(type: "INTEGER", nullable: true),
                    additional_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_project_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_project_events_ip_addresses_ip_address_id",
                        column: x => x.ip_address_id,
                        principalTable: "ip_addresses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_project_events_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_project_events_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "user_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tag = table.Column<string>(type: "TEXT", nullable: false),
                    time = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ip_address_id = table.Column<long>(type: "INTEGER", nullable: true),
                    additional_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_user_events_ip_addresses_ip_address_id",
                        column: x => x.ip_address_id,
                        principalTable: "ip_addresses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_user_events_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_ip_addresses_hashed_ip",
                table: "ip_addresses",
                column: "hashed_ip",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ip_addresses_last_seen",
                table: "ip_addresses",
                column: "last_seen");

            migrationBuilder.CreateIndex(
                name: "ix_project_events_ip_address_id",
                table: "project_events",
                column: "ip_address_id");

            migrationBuilder.CreateIndex(
                name: "ix_project_events_project_id_time",
                table: "project_events",
                columns: new[] { "project_id", "time" });

            migrationBuilder.CreateIndex(
                name: "ix_project_events_time",
                table: "project_events",
                column: "time");

            migrationBuilder.CreateIndex(
                name: "ix_project_events_user_id",
                table: "project_events",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_events_ip_address_id",
                table: "user_events",
                column: "ip_address_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_events_time",
                table: "user_events",
                column: "time");

            migrationBuilder.CreateIndex(
                name: "ix_user_events_user_id_time",
                table: "user_events",
                columns: new[] { "user_id", "time" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "project_events");

            migrationBuilder.DropTable(
                name: "user_events");

            migrationBuilder.DropTable(
                name: "ip_addresses");
        }
    }
}
