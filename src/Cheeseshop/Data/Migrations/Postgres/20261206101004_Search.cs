using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Cheeseshop.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "search_classifiers",
                columns: table => new
                {
                    classifier = table.Column<string>(type: "text", nullable: false),
                    project_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_search_classifiers", x => new { x.classifier, x.project_id });
                    table.ForeignKey(
                        name: "fk_search_classifiers_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "search_documents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    project_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    normalized_name = table.Column<string>(type: "text", nullable: false),
                    version = table.Column<string>(type: "text", nullable: false),
                    summary = table.Column<string>(type: "text", nullable: true),
                    keywords = table.Column<string>(type: "text", nullable: true),
                    description = table.Column<string>(type: "text", nullable: true),
                    created = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_search_documents", x => x.id);
                    table.ForeignKey(
                        name: "fk_search_documents_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_search_classifiers_project_id",
                table: "search_classifiers",
                column: "project_id");

            migrationBuilder.CreateIndex(
                name: "ix_search_documents_created",
                table: "search_documents",
                column: "created");

            migrationBuilder.CreateIndex(
                name: "ix_search_documents_normalized_name",
                table: "search_documents",
                column: "normalized_name");

            migrationBuilder.CreateIndex(
                name: "ix_search_documents_project_id",
                table: "search_documents",
                column: "project_id",
                unique: true);

            // Full-text: generated vectors, so every write of a document updates them in its own transaction.
            // search_vector (GIN-indexed) matches every field; rank_vector, without the description, ranks.
            // Names are split at '-', '_' and '.' as words.
            const string ranked =
                "setweight(to_tsvector('english', translate(name, '-_.', '   ')), 'A') || " +
                "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || " +
                "setweight(to_tsvector('english', coalesce(keywords, '')), 'B')";
            migrationBuilder.Sql($"ALTER TABLE search_documents ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS ({ranked}) STORED;");
            migrationBuilder.Sql(
                $"ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({ranked} || " +
                "setweight(to_tsvector('english', coalesce(description, '')), 'D')) STORED;");
            migrationBuilder.Sql("CREATE INDEX ix_search_documents_search_vector ON search_documents USING GIN (search_vector);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "search_classifiers");

            migrationBuilder.DropTable(
                name: "search_documents");
        }
    }
}
