using System.Data.Common;
using System.Text;
using Cheeseshop.Core.Search;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cheeseshop.Data;

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
            // Newest-first walks use ix_search_documents_created_name (created, then name), made in the Search
            // migration with each database's collation: an index on created alone would only repeat its prefix.
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

    /// <summary>How this database matches words and classifier terms. <see cref="Filter"/> is a condition on the
    /// documents (as <c>d</c>) alone; <see cref="RankedFrom"/> and <see cref="RankedWhere"/> join the full-text index
    /// to score each match (<see cref="Score"/>, higher is better). The words hold only letters and digits (Core's
    /// parser). <see cref="Probe"/> is the same condition asked of one document at a time, for an index walk that
    /// stops after a few rows. Each statement takes all of <see cref="Parameters"/>.</summary>
    protected sealed record SearchSql(string Filter, string RankedFrom, string RankedWhere, string Score, string CountWords,
        IReadOnlyList<(string Name, object Value)> Parameters)
    {
        public string? Probe { get; init; }
    }

    /// <summary>The full-text condition for <paramref name="words"/> (phrases, every one must match) in a document's
    /// text and, when there are any, every one of <paramref name="classifierTerms"/> (Core's
    /// <see cref="SearchRanking.ClassifierTerm"/>) in its classifier terms: both answered by the full-text index, so
    /// a classifier narrows the matches without a lookup per match.</summary>
    protected abstract SearchSql SearchSource(IReadOnlyList<IReadOnlyList<string>> words, IReadOnlyList<string> classifierTerms);

    private SearchSql SearchSource(SearchQuery query) =>
        SearchSource(query.Phrases, query.Classifiers.Select(SearchRanking.ClassifierTerm).ToList());

    /// <summary>ORDER BY of names in ordinal order, so ties fall the same way on every database.</summary>
    protected virtual string OrdinalName => "d.normalized_name";

    /// <summary>What makes the database walk an index of search_documents in the order asked for (newest first, or by
    /// name) and stop at the page, instead of sorting every match: for a large set of matches. Empty where the
    /// planner finds the index alone.</summary>
    protected virtual string WalkIndex(bool newest) => "";

    /// <summary>How deep into a large set of matches a page may start and still be read by probing rows one by one.</summary>
    private const int ProbeDepth = 100;

    /// <summary>How many projects match, counted up to one past Core's limit of shown results (counting further
    /// would cost time for a number nobody reads).</summary>
    public async Task<long> CountSearchAsync(SearchQuery query, CancellationToken ct)
    {
        var parameters = new List<(string Name, object Value)>();
        const int limit = SearchRanking.MaxResults + 1;
        string sql;
        if (query.HasWords)
        {
            // Words and classifiers alike are counted by the full-text index alone.
            var source = SearchSource(query);
            parameters.AddRange(source.Parameters);
            sql = source.CountWords.Replace("{limit}", limit.ToString());
        }
        else if (query.Classifiers.Count == 1)
        {
            parameters.Add(("@c0", query.Classifiers[0]));
            sql = $"SELECT count(*) FROM (SELECT 1 FROM search_classifiers WHERE classifier = @c0 LIMIT {limit}) m";
        }
        else
            sql = $"SELECT count(*) FROM (SELECT 1 FROM search_documents d WHERE {Where(query, null, parameters)} LIMIT {limit}) m";
        return await WithConnectionAsync(() => ScalarAsync(sql, parameters, ct), ct);
    }

    /// <summary>
    /// The matches of <paramref name="query"/> other than <paramref name="excludeName"/>, <paramref name="take"/>
    /// of them after <paramref name="skip"/>, in <paramref name="order"/> (as <see cref="SearchRanking"/> describes it).
    /// Relevance scores every match, so Core asks for it only for a set it bounds; <paramref name="many"/>
    /// says the set is large, and the statement then walks an index in the order asked for.
    /// </summary>
    public Task<IReadOnlyList<SearchHit>> SearchPageAsync(SearchQuery query, SearchOrder order, string? excludeName, int skip, int take,
        bool many, CancellationToken ct)
    {
        var parameters = new List<(string Name, object Value)>();
        var ranked = query.HasWords && order == SearchOrder.Relevance;
        // An early page of many matches meets its rows within the first few hundred of the index walk: asking each
        // row costs less there than gathering every match first.
        var probe = many && !ranked && skip + take <= ProbeDepth;
        var where = Where(query, excludeName, parameters, words: !ranked, probe);
        string sql;
        if (ranked)
        {
            var source = SearchSource(query);
            parameters.AddRange(source.Parameters);
            sql = $"SELECT d.name, d.normalized_name, d.version, d.summary, d.created, {source.Score} AS score FROM {source.RankedFrom} " +
                  $"WHERE {source.RankedWhere} AND {where} ORDER BY score DESC, {OrdinalName} LIMIT {take} OFFSET {skip}";
        }
        else
        {
            var newest = order == SearchOrder.Newest;
            var walk = many ? WalkIndex(newest) : "";
            var orderBy = newest ? $"d.created DESC, {OrdinalName}" : OrdinalName;
            sql = $"SELECT d.name, d.normalized_name, d.version, d.summary, d.created, 0.0 AS score FROM search_documents d {walk} " +
                  $"WHERE {where} ORDER BY {orderBy} LIMIT {take} OFFSET {skip}";
        }
        return WithConnectionAsync(() => HitsAsync(sql, parameters, ct), ct);
    }

    /// <summary>The conditions on the documents: the words and classifiers (unless the statement joins the full-text
    /// index for them), the classifiers of a search without words, and not the excluded project.</summary>
    private string Where(SearchQuery query, string? excludeName, List<(string Name, object Value)> parameters, bool words = true, bool probe = false)
    {
        var where = new StringBuilder("1 = 1");
        if (query.HasWords && words)
        {
            var source = SearchSource(query);
            where.Append(" AND ").Append(probe ? source.Probe ?? source.Filter : source.Filter);
            parameters.AddRange(source.Parameters);
        }
        for (var i = 0; i < query.Classifiers.Count && !query.HasWords; i++)
        {
            // Without words, in a walk that stops after a few rows, each document is looked up by the primary key;
            // otherwise the classifier's projects are gathered once.
            where.Append(probe
                ? $" AND EXISTS (SELECT 1 FROM search_classifiers sc WHERE sc.classifier = @c{i} AND sc.project_id = d.project_id)"
                : $" AND d.project_id IN (SELECT sc.project_id FROM search_classifiers sc WHERE sc.classifier = @c{i})");
            parameters.Add(($"@c{i}", query.Classifiers[i]));
        }
        if (excludeName is not null)
        {
            where.Append(" AND d.normalized_name <> @exclude");
            parameters.Add(("@exclude", excludeName));
        }
        return where.ToString();
    }

    private async Task<T> WithConnectionAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await Database.OpenConnectionAsync(ct);
        try
        {
            return await work();
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
