using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GrandAmbassador.Bench.Scale.Report;

/// <summary>The run's figures: one row each (a name, a value, how it was got), printed as a markdown table and saved as JSON.</summary>
internal sealed class Figures
{
    private readonly List<Row> _rows = [];
    private readonly Dictionary<string, object> _detail = new(StringComparer.Ordinal);

    public void Add(string figure, double value, string unit, string how) => _rows.Add(new Row(figure, value, unit, how));

    /// <summary>Anything else worth keeping with the figures (the per-method breakdown, the options).</summary>
    public void Detail(string key, object value) => _detail[key] = value;

    public string Markdown(string title)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {title} | value | how |");
        text.AppendLine("|---|---:|---|");
        foreach (var row in _rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Figure} | {Format(row.Value)} {row.Unit} | {row.How} |");
        }

        return text.ToString();
    }

    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, new { figures = _rows, detail = _detail }, JsonOptions, cancellationToken).ConfigureAwait(false);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static string Format(double value) =>
        double.IsNaN(value) ? "n/a"
        : Math.Abs(value) >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value.ToString("0.##", CultureInfo.InvariantCulture);

    private sealed record Row(string Figure, double Value, string Unit, string How);
}
