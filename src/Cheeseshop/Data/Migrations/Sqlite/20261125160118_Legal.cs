using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cheeseshop.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Legal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "legal_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    authority = table.Column<string>(type: "TEXT", nullable: false),
                    reference = table.Column<string>(type: "TEXT", nullable: false),
                    received = table.Column<DateTime>(type: "TEXT", nullable: false),
                    due = table.Column<DateTime>(type: "TEXT", nullable: false),
                    scope_from = table.Column<DateTime>(type: "TEXT", nullable: true),
                    scope_to = table.Column<DateTime>(type: "TEXT", nullable: true),
                    categories = table.Column<string>(type: "TEXT", nullable: false),
                    nondisclosure_until = table.Column<DateTime>(type: "TEXT", nullable: true),
                    note = table.Column<string>(type: "TEXT", nullable: true),
                    origin = table.Column<string>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", nullable: false),
                    created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    closed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    closed_by = table.Column<string>(type: "TEXT", nullable: true),
                    outcome = table.Column<string>(type: "TEXT", nullable: true),
                    close_note = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_legal_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "disclosures",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    legal_request_id = table.Column<long>(type: "INTEGER", nullable: false),
                    produced_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    recorded_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    produced_by = table.Column<string>(type: "TEXT", nullable: false),
                    sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    file_name = table.Column<string>(type: "TEXT", nullable: false),
                    categories = table.Column<string>(type: "TEXT", nullable: false),
                    counts_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_disclosures", x => x.id);
                    table.ForeignKey(
                        name: "fk_disclosures_legal_requests_legal_request_id",
                        column: x => x.legal_request_id,
                        principalTable: "legal_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "legal_request_subjects",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    legal_request_id = table.Column<long>(type: "INTEGER", nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    username = table.Column<string>(type: "TEXT", nullable: false),
                    notice_status = table.Column<string>(type: "TEXT", nullable: true),
                    notice_due = table.Column<DateTime>(type: "TEXT", nullable: true),
                    notice_sent_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    notice_delayed = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_legal_request_subjects", x => x.id);
                    table.ForeignKey(
                        name: "fk_legal_request_subjects_legal_requests_legal_request_id",
                        column: x => x.legal_request_id,
                        principalTable: "legal_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_legal_request_subjects_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_disclosures_legal_request_id",
                table: "disclosures",
                column: "legal_request_id");

            migrationBuilder.CreateIndex(
                name: "ix_legal_request_subjects_legal_request_id",
                table: "legal_request_subjects",
                column: "legal_request_id");

            migrationBuilder.CreateIndex(
                name: "ix_legal_request_subjects_notice_status_notice_due",
                table: "legal_request_subjects",
                columns: new[] { "notice_status", "notice_due" });

            migrationBuilder.CreateIndex(
                name: "ix_legal_request_subjects_user_id",
                table: "legal_request_subjects",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_legal_requests_closed_at",
                table: "legal_requests",
                column: "closed_at");

            migrationBuilder.CreateIndex(
                name: "ix_legal_requests_received",
                table: "legal_requests",
                column: "received");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "disclosures");

            migrationBuilder.DropTable(
                name: "legal_request_subjects");

            migrationBuilder.DropTable(
                name: "legal_requests");
        }
    }
}
