using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cheeseshop.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TrustedPublishing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "publisher_id",
                table: "api_tokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "trusted_publishers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    pending_project_name = table.Column<string>(type: "TEXT", nullable: true),
                    pending_normalized_name = table.Column<string>(type: "TEXT", nullable: true),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    issuer = table.Column<string>(type: "TEXT", nullable: false),
                    repository = table.Column<string>(type: "TEXT", nullable: true),
                    workflow = table.Column<string>(type: "TEXT", nullable: true),
                    environment = table.Column<string>(type: "TEXT", nullable: true),
                    subject = table.Column<string>(type: "TEXT", nullable: true),
                    extra_claims_json = table.Column<string>(type: "TEXT", nullable: false),
                    added_by_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    added = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trusted_publishers", x => x.id);
                    table.ForeignKey(
                        name: "fk_trusted_publishers_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_trusted_publishers_users_added_by_id",
                        column: x => x.added_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "used_id_tokens",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", nullable: false),
                    expires = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_used_id_tokens", x => x.key);
                });

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_publisher_id",
                table: "api_tokens",
                column: "publisher_id");

            migrationBuilder.CreateIndex(
                name: "ix_trusted_publishers_added_by_id",
                table: "trusted_publishers",
                column: "added_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_trusted_publishers_issuer",
                table: "trusted_publishers",
                column: "issuer");

            migrationBuilder.CreateIndex(
                name: "ix_trusted_publishers_pending_normalized_name",
                table: "trusted_publishers",
                column: "pending_normalized_name");

            migrationBuilder.CreateIndex(
                name: "ix_trusted_publishers_project_id",
                table: "trusted_publishers",
                column: "project_id");

            migrationBuilder.CreateIndex(
                name: "ix_used_id_tokens_expires",
                table: "used_id_tokens",
                column: "expires");

            migrationBuilder.AddForeignKey(
                name: "fk_api_tokens_trusted_publishers_publisher_id",
                table: "api_tokens",
                column: "publisher_id",
                principalTable: "trusted_publishers",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_api_tokens_trusted_publishers_publisher_id",
                table: "api_tokens");

            migrationBuilder.DropTable(
                name: "trusted_publishers");

            migrationBuilder.DropTable(
                name: "used_id_tokens");

            migrationBuilder.DropIndex(
                name: "ix_api_tokens_publisher_id",
                table: "api_tokens");

            migrationBuilder.DropColumn(
                name: "publisher_id",
                table: "api_tokens");
        }
    }
}
