using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cheeseshop.Data.Migrations.Sqlite
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
                    classifier = table.Column<string>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: false)
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
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    normalized_name = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<string>(type: "TEXT", nullable: false),
                    summary = table.Column<string>(type: "TEXT", nullable: true),
                    keywords = table.Column<string>(type: "TEXT", nullable: true),
                    description = table.Column<string>(type: "TEXT", nullable: true),
                    created = table.Column<DateTime>(type: "TEXT", nullable: false)
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

            // Full-text: an FTS5 table over the documents (external content: it stores only the index), kept
            // equal to them by triggers, so every write of a document, in whatever transaction, updates it.
            // porter stems English words; unicode61 splits names at '-', '_' and '.'.
            migrationBuilder.Sql(
                "CREATE VIRTUAL TABLE search_fts USING fts5(name, summary, keywords, description, " +
                "content='search_documents', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');");
            migrationBuilder.Sql(
                "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN " +
                "INSERT INTO search_fts(rowid, name, summary, keywords, description) VALUES (new.id, new.name, new.summary, new.keywords, new.description); END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN " +
                "INSERT INTO search_fts(search_fts, rowid, name, summary, keywords, description) VALUES ('delete', old.id, old.name, old.summary, old.keywords, old.description); END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN " +
                "INSERT INTO search_fts(search_fts, rowid, name, summary, keywords, description) VALUES ('delete', old.id, old.name, old.summary, old.keywords, old.description); " +
                "INSERT INTO search_fts(rowid, name, summary, keywords, description) VALUES (new.id, new.name, new.summary, new.keywords, new.description); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER search_documents_au; DROP TRIGGER search_documents_ad; DROP TRIGGER search_documents_ai; DROP TABLE search_fts;");

            migrationBuilder.DropTable(
                name: "search_classifiers");

            migrationBuilder.DropTable(
                name: "search_documents");
        }
    }
}
