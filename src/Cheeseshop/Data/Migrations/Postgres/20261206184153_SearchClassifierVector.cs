using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cheeseshop.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchClassifierVector : Migration
    {
        // The name, summary and keywords, ranked; the Search migration's expression.
        private const string Ranked =
            "setweight(to_tsvector('english', translate(name, '-_.', '   ')), 'A') || " +
            "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || " +
            "setweight(to_tsvector('english', coalesce(keywords, '')), 'B')";

        private const string Description = "setweight(to_tsvector('english', coalesce(description, '')), 'D')";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The classifier terms join the words in the one GIN-indexed vector, so words and classifiers are
            // intersected inside the index. Kept in their own array instead, the planner answered a common word with
            // a classifier by scanning the table and checking each wide row. The terms ('c' and hexadecimal) go
            // through the 'simple' configuration: no stemming, and only letters and digits, so a term is one lexeme.
            migrationBuilder.Sql("DROP INDEX ix_search_documents_classifier_terms;");
            migrationBuilder.Sql("DROP INDEX ix_search_documents_search_vector;");
            migrationBuilder.Sql("ALTER TABLE search_documents DROP COLUMN search_vector;");
            migrationBuilder.Sql(
                $"ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({Ranked} || {Description} || " +
                "to_tsvector('simple', coalesce(classifier_terms, ''))) STORED;");
            migrationBuilder.Sql("CREATE INDEX ix_search_documents_search_vector ON search_documents USING GIN (search_vector);");
            // Every row was rewritten: fresh statistics, so the first searches after the upgrade are planned on them.
            migrationBuilder.Sql("ANALYZE search_documents;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_search_documents_search_vector;");
            migrationBuilder.Sql("ALTER TABLE search_documents DROP COLUMN search_vector;");
            migrationBuilder.Sql($"ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({Ranked} || {Description}) STORED;");
            migrationBuilder.Sql("CREATE INDEX ix_search_documents_search_vector ON search_documents USING GIN (search_vector);");
            migrationBuilder.Sql(
                "CREATE INDEX ix_search_documents_classifier_terms ON search_documents USING GIN (string_to_array(classifier_terms, ' '));");
        }
    }
}
