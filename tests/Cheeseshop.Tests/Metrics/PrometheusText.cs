using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Cheeseshop.Tests.Metrics;

/// <summary>One sample line: metric name, labels, value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : "";
}

/// <summary>
/// A strict reader of the Prometheus text exposition format (version 0.0.4): it throws FormatException,
/// naming the line, on anything a Prometheus server would reject or that the format forbids: a bad
/// metric or label name, a bad escape, a value that is not a number, a TYPE given twice or after the
/// family's samples, a sample of a family without TYPE, the same series twice, a histogram whose buckets
/// fall or whose +Inf bucket is not its count.
/// </summary>
public static partial class PrometheusText
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n')) throw new FormatException("the exposition does not end with a line feed");
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helps = new HashSet<string>(StringComparer.Ordinal);
        var sampled = new HashSet<string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            var where = $"line {i + 1} '{line}'";
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                Comment(line, where, types, helps, sampled);
                continue;
            }
            var sample = Sample(line, where);
            var family = FamilyOf(sample.Name, types);
            if (family is null) throw new FormatException($"{where}: no TYPE line for {sample.Name}");
            sampled.Add(family);
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
            if (!series.Add(key)) throw new FormatException($"{where}: the series {key} appears twice");
            samples.Add(sample);
        }
        CheckHistograms(samples, types);
        return samples;
    }

    private static void Comment(string line, string where, Dictionary<string, string> types, HashSet<string> helps, HashSet<string> sampled)
    {
        var parts = line.Split(' ', 4);
        if (parts.Length < 3 || parts[0] != "#" || parts[1] is not ("TYPE" or "HELP")) return; // a plain comment
        var name = parts[2];
        if (!MetricName().IsMatch(name)) throw new FormatException($"{where}: bad metric name '{name}'");
        if (parts[1] == "HELP")
        {
            if (!helps.Add(name)) throw new FormatException($"{where}: HELP for {name} given twice");
            if (parts.Length == 4) Unescape(parts[3], where, quoted: false);
            return;
        }
        if (parts.Length != 4 || !Types.Contains(parts[3])) throw new FormatException($"{where}: bad TYPE");
        if (sampled.Contains(name)) throw new FormatException($"{where}: TYPE of {name} after its samples");
        if (!types.TryAdd(name, parts[3])) throw new FormatException($"{where}: TYPE of {name} given twice");
    }

    private static PrometheusSample Sample(string line, string where)
    {
        var m = SampleLine().Match(line);
        if (!m.Success) throw new FormatException($"{where}: not a sample line");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = m.Groups["labels"].Value;
        var pos = 0;
        while (pos < rest.Length)
        {
            var lm = LabelPair().Match(rest, pos);
            if (!lm.Success || lm.Index != pos) throw new FormatException($"{where}: bad label at '{rest[pos..]}'");
            var name = lm.Groups["name"].Value;
            if (name.StartsWith("__", StringComparison.Ordinal)) throw new FormatException($"{where}: label {name} is reserved");
            if (!labels.TryAdd(name, Unescape(lm.Groups["value"].Value, where, quoted: true)))
                throw new FormatException($"{where}: label {name} twice");
            pos += lm.Length;
            if (pos < rest.Length)
            {
                if (rest[pos] != ',') throw new FormatException($"{where}: labels must be separated by ','");
                pos++;
            }
        }
        return new PrometheusSample(m.Groups["name"].Value, labels, Number(m.Groups["value"].Value, where));
    }

    private static double Number(string s, string where) => s switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new FormatException($"{where}: '{s}' is not a number"),
    };

    private static string Unescape(string s, string where, bool quoted)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\')
            {
                if (quoted && s[i] is '"' or '\n') throw new FormatException($"{where}: unescaped '{s[i]}' in a label value");
                sb.Append(s[i]);
                continue;
            }
            if (++i == s.Length) throw new FormatException($"{where}: a lone backslash");
            sb.Append(s[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when quoted => '"',
                _ => throw new FormatException($"{where}: bad escape '\\{s[i]}'"),
            });
        }
        return sb.ToString();
    }

    /// <summary>The family a sample belongs to: its own name, or a histogram's/summary's name without _bucket, _sum, _count.</summary>
    private static string? FamilyOf(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name)) return name;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(name[..^suffix.Length], out var t)
                && (t == "histogram" || t == "summary" && suffix != "_bucket"))
                return name[..^suffix.Length];
        }
        return null;
    }

    private static void CheckHistograms(List<PrometheusSample> samples, Dictionary<string, string> types)
    {
        foreach (var (family, _) in types.Where(t => t.Value == "histogram"))
        {
            var buckets = samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
            foreach (var group in buckets)
            {
                var ordered = group.Select(s => (Le: Number(s.Labels.TryGetValue("le", out var le) ? le
                    : throw new FormatException($"{family}_bucket without le"), family), s.Value)).OrderBy(b => b.Le).ToList();
                for (var i = 1; i < ordered.Count; i++)
                {
                    if (ordered[i].Value < ordered[i - 1].Value) throw new FormatException($"{family}{{{group.Key}}}: buckets fall at le={ordered[i].Le}");
                }
                if (!double.IsPositiveInfinity(ordered[^1].Le)) throw new FormatException($"{family}{{{group.Key}}}: no +Inf bucket");
                var count = samples.SingleOrDefault(s => s.Name == family + "_count" && Same(s, group.First()))
                    ?? throw new FormatException($"{family}{{{group.Key}}}: no _count");
                if (count.Value != ordered[^1].Value) throw new FormatException($"{family}{{{group.Key}}}: +Inf bucket {ordered[^1].Value} is not _count {count.Value}");
                if (!samples.Any(s => s.Name == family + "_sum" && Same(s, group.First()))) throw new FormatException($"{family}{{{group.Key}}}: no _sum");
            }
        }
    }

    private static bool Same(PrometheusSample a, PrometheusSample bucket) =>
        a.Labels.Count == bucket.Labels.Count - 1 && a.Labels.All(l => bucket.Labels.TryGetValue(l.Key, out var v) && v == l.Value);

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})? (?<value>\S+)(?: -?\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
