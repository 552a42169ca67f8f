using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cheeseshop.Data.Migrations.Postgres
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
                type: "text",
                nullable: true);

            // The documents' classifier keys as terms (Core's SearchRanking.ClassifierTerm: 'c' and the hexadecimal
            // of the key's UTF-8 bytes), matched as an array by a GIN index that the planner ANDs with the words'.
            migrationBuilder.Sql(
                "UPDATE search_documents d SET classifier_terms = (SELECT string_agg('c' || encode(convert_to(sc.classifier, 'UTF8'), 'hex'), ' ') " +
                "FROM search_classifiers sc WHERE sc.project_id = d.project_id);");
            migrationBuilder.Sql(
                "CREATE INDEX ix_search_documents_classifier_terms ON search_documents USING GIN (string_to_array(classifier_terms, ' '));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_search_documents_classifier_terms;");
            migrationBuilder.DropColumn(
                name: "classifier_terms",
                table: "search_documents");
        }
    }
}
