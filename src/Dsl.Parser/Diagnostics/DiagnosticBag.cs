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
    private readonly Stack<TextSpan> _calls = new();

    public DiagnosticBag(SourceText source) => _source = source;

    public bool HasErrors => _items.Any(d => d.IsError);

    public IReadOnlyList<Diagnostic> Items => _items;

    public int LineOf(int offset) => _source.PositionOf(offset).Line;

    /// <summary>
    /// Entering a block through a call: what is reported inside the block says which call (its
    /// sizes come from the call's arguments), as Roslyn names the instantiation of a generic.
    /// </summary>
    public void EnterCall(TextSpan call) => _calls.Push(call);

    public void LeaveCall() => _calls.Pop();

    public void Report(DiagnosticDescriptor descriptor, TextSpan span, params object[] args)
    {
        var message = descriptor.Format(args);
        // A block instantiated several times would repeat the same message at the same place:
        // the first call that meets it is named.
        if (!_seen.Add((descriptor.Id, span.Start, message))) return;
        var calls = _calls.Where(c => !c.Contains(span)).Select(c => _source.PositionOf(c.Start)).ToList();
        if (calls.Count > 0)
            message += " (in the call at " + string.Join(", called at ", calls.Select(p => $"({p.Line + 1},{p.Character + 1})")) + ")";
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
