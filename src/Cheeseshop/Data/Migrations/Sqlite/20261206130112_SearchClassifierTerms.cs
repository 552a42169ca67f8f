using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cheeseshop.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SearchClassifierTerms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "classifier_terms",
                table: "search_documents",
                type: "TEXT",
                nullable: true);

            // The documents' classifier keys as full-text terms (Core's SearchRanking.ClassifierTerm: 'c' and the
            // hexadecimal of the key's UTF-8 bytes; the tokenizer folds hex()'s upper case), and the FTS5 table
            // rebuilt with them as a fifth column, so a search by words and classifiers is one full-text match.
            migrationBuilder.Sql("DROP TRIGGER search_documents_au; DROP TRIGGER search_documents_ad; DROP TRIGGER search_documents_ai; DROP TABLE search_fts;");
            migrationBuilder.Sql(
                "UPDATE search_documents SET classifier_terms = (SELECT group_concat('c' || lower(hex(sc.classifier)), ' ') " +
                "FROM search_classifiers sc WHERE sc.project_id = search_documents.project_id);");
            CreateFullText(migrationBuilder, "name, summary, keywords, description, classifier_terms");
        }

        /// <summary>The FTS5 table over <paramref name="columns"/> of search_documents (external content: it stores only
        /// the index), the triggers that keep it equal to them, and the index built from the rows there are.</summary>
        internal static void CreateFullText(MigrationBuilder migrationBuilder, string columns)
        {
            var values = string.Join(", ", columns.Split(", ").Select(c => "new." + c));
            var old = string.Join(", ", columns.Split(", ").Select(c => "old." + c));
            migrationBuilder.Sql(
                $"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, " +
                "content='search_documents', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');");
            migrationBuilder.Sql(
                "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN " +
                $"INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {values}); END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN " +
                $"INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN " +
                $"INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); " +
                $"INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {values}); END;");
            migrationBuilder.Sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER search_documents_au; DROP TRIGGER search_documents_ad; DROP TRIGGER search_documents_ai; DROP TABLE search_fts;");
            CreateFullText(migrationBuilder, "name, summary, keywords, description");
            migrationBuilder.DropColumn(
                name: "classifier_terms",
                table: "search_documents");
        }
    }
}
