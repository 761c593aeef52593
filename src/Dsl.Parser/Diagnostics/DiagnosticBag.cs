using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Text;

namespace Dsl.Parser.Diagnostics;

/// <summary>Collects diagnostics for one file, turning spans into line positions.</summary>
public sealed class DiagnosticBag
{
    private readonly SourceText _source;
    private readonly List<Diagnostic> _items = new();
    private readonly HashSet<(string, int, string)> _seen = new();

    public DiagnosticBag(SourceText source) => _source = source;

    public bool HasErrors => _items.Any(d => d.IsError);

    public IReadOnlyList<Diagnostic> Items => _items;

    public int LineOf(int offset) => _source.PositionOf(offset).Line;

    public void Report(DiagnosticDescriptor descriptor, TextSpan span, params object[] args)
    {
        var message = descriptor.Format(args);
        // A block instantiated several times would repeat the same message at the same place.
        if (!_seen.Add((descriptor.Id, span.Start, message))) return;
        _items.Add(new Diagnostic(
            descriptor.Id,
            descriptor.Severity,
            message,
            _source.Path,
            span,
            _source.PositionOf(span.Start),
            _source.PositionOf(span.End)));
    }
}
