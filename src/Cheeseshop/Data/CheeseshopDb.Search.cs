using System.Data.Common;
using System.Text;
using Cheeseshop.Core.Search;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cheeseshop.Data;

/// <summary>One page of matches and how many there are (counted up to one past Core's limit of shown results).</summary>
public sealed record SearchMatches(long Count, IReadOnlyList<SearchHit> Hits);

/// <summary>
/// Search (Search/): the documents and their classifier keys in the model; the full-text part in each
/// provider's migration and in <see cref="SearchSource"/>. The statement is built here from the provider's
/// pieces, so both databases filter, exclude, order and page the same way.
/// </summary>
public abstract partial class CheeseshopDb
{
    private static void MapSearch(ModelBuilder b)
    {
        b.Entity<SearchDocument>(e =>
        {
            e.ToTable("search_documents");
            e.HasIndex(x => x.ProjectId).IsUnique();
            e.HasIndex(x => x.NormalizedName);
            e.HasIndex(x => x.Created);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<SearchClassifier>(e =>
        {
            e.ToTable("search_classifiers");
            e.HasKey(x => new { x.Classifier, x.ProjectId });
            e.HasIndex(x => x.ProjectId);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    /// <summary>How this database matches words: the FROM clause (documents as <c>d</c>), the condition, and a
    /// score where higher is better. <paramref name="words"/> holds only letters and digits (Core's parser).</summary>
    protected sealed record SearchSql(string From, string Where, string Score, object MatchParameter);

    protected abstract SearchSql SearchSource(IReadOnlyList<IReadOnlyList<string>> words);

    /// <summary>ORDER BY of names in ordinal order, as Core compares them.</summary>
    protected virtual string OrdinalName => "d.normalized_name";

    /// <summary>
    /// The matches of <paramref name="query"/> other than <paramref name="excludeName"/>, in the query's order
    /// (Core.Search.SearchRanking.Compare), <paramref name="take"/> of them after <paramref name="skip"/>.
    /// </summary>
    public async Task<SearchMatches> SearchAsync(SearchQuery query, string? excludeName, int skip, int take, CancellationToken ct)
    {
        var parameters = new List<(string Name, object Value)>();
        string from = "search_documents d", score = "0.0";
        var where = new StringBuilder("1 = 1");
        if (query.HasWords)
        {
            var source = SearchSource(query.Phrases);
            (from, score) = (source.From, source.Score);
            where.Append(" AND ").Append(source.Where);
            parameters.Add(("@match", source.MatchParameter));
        }
        for (var i = 0; i < query.Classifiers.Count; i++)
        {
            where.Append($" AND d.project_id IN (SELECT sc.project_id FROM search_classifiers sc WHERE sc.classifier = @c{i})");
            parameters.Add(($"@c{i}", query.Classifiers[i]));
        }
        if (excludeName is not null)
        {
            where.Append(" AND d.normalized_name <> @exclude");
            parameters.Add(("@exclude", excludeName));
        }
        var order = query.Order == SearchOrder.Newest ? $"d.created DESC, {OrdinalName}" : $"score DESC, {OrdinalName}";
        await Database.OpenConnectionAsync(ct);
        try
        {
            var count = await ScalarAsync(
                $"SELECT count(*) FROM (SELECT 1 FROM {from} WHERE {where} LIMIT {SearchRanking.MaxResults + 1}) m", parameters, ct);
            var hits = count == 0 ? [] : await HitsAsync(
                $"SELECT d.name, d.normalized_name, d.version, d.summary, d.created, {score} AS score FROM {from} WHERE {where} " +
                $"ORDER BY {order} LIMIT {take} OFFSET {skip}", parameters, ct);
            return new SearchMatches(count, hits);
        }
        finally
        {
            await Database.CloseConnectionAsync();
        }
    }

    /// <summary>The project named <paramref name="normalizedName"/> when it is found at all and carries every classifier.</summary>
    public async Task<SearchHit?> SearchExactAsync(string normalizedName, IReadOnlyList<string> classifiers, CancellationToken ct)
    {
        var docs = SearchDocuments.AsNoTracking().Where(d => d.NormalizedName == normalizedName);
        foreach (var c in classifiers)
            docs = docs.Where(d => SearchClassifiers.Any(sc => sc.ProjectId == d.ProjectId && sc.Classifier == c));
        return await docs.Select(d => new SearchHit(d.Name, d.NormalizedName, d.Version, d.Summary, d.Created, 0)).FirstOrDefaultAsync(ct);
    }

    private async Task<long> ScalarAsync(string sql, List<(string Name, object Value)> parameters, CancellationToken ct)
    {
        await using var command = Command(sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    private async Task<IReadOnlyList<SearchHit>> HitsAsync(string sql, List<(string Name, object Value)> parameters, CancellationToken ct)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var hits = new List<SearchHit>();
        while (await reader.ReadAsync(ct))
            hits.Add(new SearchHit(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc), Convert.ToDouble(reader.GetValue(5))));
        return hits;
    }

    private DbCommand Command(string sql, List<(string Name, object Value)> parameters)
    {
        var command = Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = Database.CurrentTransaction?.GetDbTransaction();
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return command;
    }
}
